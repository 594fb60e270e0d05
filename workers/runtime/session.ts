/**
 * @file ModelSession: one ONNX graph on one backend, with typed inputs/outputs.
 *
 * Every `run` (and every session creation) goes through ONE global promise queue: onnxruntime-web cannot run
 * sessions concurrently ("Session already started", transformers.js #909). Time spent inside `session.run` (not
 * the queue wait) is added to the caller's RunStats for the job's timing report.
 */
import type { Backend } from '../../src/contracts/job';
import type { ExternalDataFile, OrtBinding, OrtSessionLike, OrtTensorLike } from './ort-binding';

/** An input as the pipeline sees it: CPU data, or an earlier output that stayed on the GPU. */
export type FeedTensor =
  | { readonly type: 'float32'; readonly data: Float32Array; readonly dims: readonly number[] }
  | { readonly type: 'int64'; readonly data: BigInt64Array; readonly dims: readonly number[] }
  | DeviceTensor;

/** An output read back to the CPU. */
export interface OutputTensor {
  readonly data: Float32Array;
  readonly dims: readonly number[];
}

/**
 * An output left in GPU memory (WebGPU 'gpu-buffer'): only `runKeeping` returns these, for the outputs the session
 * was created to keep on the device. Feed it to a later run of the same backend, then `disposeDeviceTensor` it.
 */
export interface DeviceTensor {
  readonly type: 'device';
  readonly dims: readonly number[];
  readonly tensor: OrtTensorLike;
}

export type KeptOutputs = Record<string, OutputTensor | DeviceTensor>;

export function isDeviceTensor(t: OutputTensor | FeedTensor): t is DeviceTensor {
  return 'type' in t && t.type === 'device';
}

/** Frees a kept output's GPU buffer (a no-op for CPU tensors). */
export function disposeDeviceTensor(t: OutputTensor | DeviceTensor | undefined): void {
  if (t && isDeviceTensor(t)) t.tensor.dispose?.();
}

/** A kept output as the next run's input (CPU outputs are fed as float32). */
export function asFeed(t: OutputTensor | DeviceTensor): FeedTensor {
  return isDeviceTensor(t) ? t : float32(t.data, t.dims);
}

/**
 * The values of a kept output on the CPU: a device tensor is read back (a GPU→CPU copy, queued with the runs so it
 * never overlaps one) and stays alive; the caller still disposes it.
 */
export async function readKept(t: OutputTensor | DeviceTensor, what: string): Promise<Float32Array> {
  if (!isDeviceTensor(t)) return t.data;
  const { tensor } = t;
  if (!tensor.getData) throw new Error(`${what}: this runtime cannot read a GPU tensor back`);
  return toFloat32(await enqueueOrt(() => (tensor.getData as () => Promise<unknown>).call(tensor)), what);
}

/** Accumulates milliseconds inside `session.run` (one per job). */
export interface RunStats {
  sessionRunMs: number;
  runs: number;
  /** Outputs `runKeeping` left in GPU memory instead of reading them back. */
  keptOnDevice: number;
}

export function createRunStats(): RunStats {
  return { sessionRunMs: 0, runs: 0, keptOnDevice: 0 };
}

let chain: Promise<unknown> = Promise.resolve();

/** Runs `task` after every previously queued ORT call has settled (success or failure). */
export function enqueueOrt<T>(task: () => Promise<T>): Promise<T> {
  const result = chain.then(task, task);
  chain = result.catch(() => undefined);
  return result;
}

export const float32 = (data: Float32Array, dims: readonly number[]): FeedTensor => ({ type: 'float32', data, dims });
export const int64 = (data: BigInt64Array, dims: readonly number[]): FeedTensor => ({ type: 'int64', data, dims });

function product(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

export class ModelSession {
  private released = false;

  private constructor(
    readonly component: string,
    readonly backend: Backend,
    private readonly binding: OrtBinding,
    private readonly session: OrtSessionLike,
  ) {}

  /** Creates a session from verified bytes (queued with the runs, so creation never overlaps a run). */
  static async create(
    binding: OrtBinding,
    component: string,
    model: Uint8Array,
    backend: Backend,
    externalData: readonly ExternalDataFile[] = [],
    deviceOutputs: readonly string[] = [],
  ): Promise<ModelSession> {
    const session = await enqueueOrt(() => binding.createSession(model, { backend, externalData, deviceOutputs }));
    return new ModelSession(component, backend, binding, session);
  }

  get inputNames(): readonly string[] {
    return this.session.inputNames;
  }

  get outputNames(): readonly string[] {
    return this.session.outputNames;
  }

  /** Runs the graph; every output comes back as float32 on the CPU. */
  async run(feeds: Record<string, FeedTensor>, stats?: RunStats): Promise<Record<string, OutputTensor>> {
    return this.execute(feeds, stats, false) as Promise<Record<string, OutputTensor>>;
  }

  /**
   * Runs the graph and leaves the outputs the session keeps on the device (see `CreateSessionOptions.deviceOutputs`)
   * in GPU memory as DeviceTensors; the caller feeds them back and disposes them. Everything else is read back.
   */
  runKeeping(feeds: Record<string, FeedTensor>, stats?: RunStats): Promise<KeptOutputs> {
    return this.execute(feeds, stats, true);
  }

  private async execute(feeds: Record<string, FeedTensor>, stats: RunStats | undefined, keep: boolean): Promise<KeptOutputs> {
    if (this.released) throw new Error(`Session ${this.component} was released`);
    for (const name of this.session.inputNames) {
      if (!(name in feeds)) throw new Error(`${this.component}: missing input "${name}"`);
    }
    const ortFeeds: Record<string, OrtTensorLike> = {};
    for (const [name, t] of Object.entries(feeds)) {
      if (t.type === 'device') {
        if (this.backend !== 'webgpu') {
          throw new Error(`${this.component}: input "${name}" was left on the GPU, but this session runs on ${this.backend} (WebGPU failed during the job). Run the job again.`);
        }
        ortFeeds[name] = t.tensor;
        continue;
      }
      if (t.data.length !== product(t.dims)) {
        throw new Error(`${this.component}: input "${name}" has ${t.data.length} values for shape [${t.dims.join(',')}]`);
      }
      ortFeeds[name] = this.binding.createTensor(t.type, t.data, t.dims);
    }
    return enqueueOrt(async () => {
      const start = performance.now();
      const raw = await this.session.run(ortFeeds);
      const out: KeptOutputs = {};
      for (const [name, tensor] of Object.entries(raw)) {
        const onDevice = tensor.location !== undefined && tensor.location !== 'cpu';
        if (onDevice && keep) {
          out[name] = { type: 'device', dims: [...tensor.dims], tensor };
          if (stats) stats.keptOnDevice += 1;
          continue;
        }
        const data = onDevice && tensor.getData ? await tensor.getData() : tensor.data;
        out[name] = { data: toFloat32(data, `${this.component}.${name}`), dims: [...tensor.dims] };
        if (onDevice) tensor.dispose?.();
      }
      if (stats) {
        stats.sessionRunMs += performance.now() - start;
        stats.runs += 1;
      }
      return out;
    });
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    await enqueueOrt(() => this.session.release());
  }
}

function toFloat32(data: unknown, what: string): Float32Array {
  if (data instanceof Float32Array) return data;
  if (data instanceof Float64Array || data instanceof Int32Array || data instanceof Uint8Array) return Float32Array.from(data);
  if (data instanceof BigInt64Array) return Float32Array.from(data, (v) => Number(v));
  throw new Error(`${what}: unsupported output data type`);
}
