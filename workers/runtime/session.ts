/**
 * @file ModelSession: one ONNX graph on one backend, with typed inputs/outputs.
 *
 * Every `run` (and every session creation) goes through ONE global promise queue: onnxruntime-web cannot run
 * sessions concurrently ("Session already started", transformers.js #909). Time spent inside `session.run` (not
 * the queue wait) is added to the caller's RunStats for the job's timing report.
 */
import type { Backend } from '../../src/contracts/job';
import type { ExternalDataFile, OrtBinding, OrtSessionLike, OrtTensorLike } from './ort-binding';

/** A CPU tensor as the pipeline sees it. */
export type FeedTensor =
  | { readonly type: 'float32'; readonly data: Float32Array; readonly dims: readonly number[] }
  | { readonly type: 'int64'; readonly data: BigInt64Array; readonly dims: readonly number[] };

export interface OutputTensor {
  readonly data: Float32Array;
  readonly dims: readonly number[];
}

/** Accumulates milliseconds inside `session.run` (one per job). */
export interface RunStats {
  sessionRunMs: number;
  runs: number;
}

export function createRunStats(): RunStats {
  return { sessionRunMs: 0, runs: 0 };
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
  ): Promise<ModelSession> {
    const session = await enqueueOrt(() => binding.createSession(model, { backend, externalData }));
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
    if (this.released) throw new Error(`Session ${this.component} was released`);
    for (const name of this.session.inputNames) {
      if (!(name in feeds)) throw new Error(`${this.component}: missing input "${name}"`);
    }
    const ortFeeds: Record<string, OrtTensorLike> = {};
    for (const [name, t] of Object.entries(feeds)) {
      if (t.data.length !== product(t.dims)) {
        throw new Error(`${this.component}: input "${name}" has ${t.data.length} values for shape [${t.dims.join(',')}]`);
      }
      ortFeeds[name] = this.binding.createTensor(t.type, t.data, t.dims);
    }
    return enqueueOrt(async () => {
      const start = performance.now();
      const raw = await this.session.run(ortFeeds);
      const out: Record<string, OutputTensor> = {};
      for (const [name, tensor] of Object.entries(raw)) {
        const data = tensor.location && tensor.location !== 'cpu' && tensor.getData ? await tensor.getData() : tensor.data;
        out[name] = { data: toFloat32(data, `${this.component}.${name}`), dims: [...tensor.dims] };
        if (tensor.location && tensor.location !== 'cpu') tensor.dispose?.();
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
