/**
 * @file Named sessions for the active model + variant + backend.
 *
 * Sessions are created lazily, one per component, the first time a job needs them, and kept for later jobs.
 * Switching model, variant or backend releases all of them first (GPU memory is the scarce resource). If WebGPU
 * fails with a GPU error (device lost, out of memory, adapter gone) while creating a session or running one,
 * every session is released, the pool switches to WASM for the rest of this worker's life, reports why, and the
 * failed call is retried once on WASM.
 */
import type { Backend } from '../../src/contracts/job';
import type { ExternalDataFile, OrtBinding } from './ort-binding';
import type { FeedTensor, KeptOutputs, OutputTensor, RunStats } from './session';
import { ModelSession } from './session';

export interface ComponentBytes {
  readonly model: Uint8Array;
  readonly externalData: readonly ExternalDataFile[];
}

export type ComponentLoader = (component: string) => Promise<ComponentBytes>;

export interface PoolListener {
  /** A session was created (component, backend). */
  onSession?(component: string, backend: Backend): void;
  /** WebGPU failed; the pool now runs on WASM. `message` is meant for the user. */
  onFallback?(message: string): void;
}

const GPU_ERROR = /device (was |is )?lost|devicelost|gpudevice|webgpu|\bgpu\b|out of memory|outofmemory|dawn|vulkan|d3d12|metal|no available backend/i;

/** Heuristic: does this error come from the GPU side (so WASM may still work)? */
export function isGpuError(error: unknown): boolean {
  const e = error as { name?: unknown; message?: unknown } | null;
  if (!e) return false;
  if (e.name === 'GPUPipelineError' || e.name === 'OperationError') return true;
  return typeof e.message === 'string' && GPU_ERROR.test(e.message);
}

export class SessionPool {
  private key: string | null = null;
  private currentBackend: Backend = 'wasm';
  private readonly sessions = new Map<string, Promise<ModelSession>>();
  /** Why WebGPU was abandoned in this worker, if it was. */
  webgpuFailure: string | null = null;

  /**
   * @param deviceOutputs the outputs of a component that its WebGPU session leaves in GPU memory for `runKeeping`
   *   (the report decoder's KV cache); none by default.
   */
  constructor(
    private readonly binding: OrtBinding,
    private readonly deviceOutputs: (component: string) => readonly string[] = () => [],
  ) {}

  get backend(): Backend {
    return this.currentBackend;
  }

  /** The model whose sessions the pool holds (null when empty/unconfigured). */
  get activeModelId(): string | null {
    return this.key ? (this.key.split('|')[0] ?? null) : null;
  }

  /** Selects the active model/variant/backend; releases everything when any of them changes. */
  async configure(modelId: string, variant: string, backend: Backend): Promise<void> {
    const effective: Backend = backend === 'webgpu' && this.webgpuFailure ? 'wasm' : backend;
    const key = `${modelId}|${variant}|${effective}`;
    if (key === this.key) return;
    await this.releaseAll();
    this.key = key;
    this.currentBackend = effective;
  }

  /** Whether the component's session is open or being opened (its files are then not needed again). */
  holds(component: string): boolean {
    return this.sessions.has(component);
  }

  /** The component's session, created on first use. A failed creation is forgotten so a retry works. */
  session(component: string, load: ComponentLoader, listener: PoolListener = {}): Promise<ModelSession> {
    if (this.key === null) return Promise.reject(new Error('SessionPool.configure() was not called'));
    const existing = this.sessions.get(component);
    if (existing) return existing;
    const backend = this.currentBackend;
    const created = (async () => {
      const bytes = await load(component);
      const session = await ModelSession.create(this.binding, component, bytes.model, backend, bytes.externalData, this.deviceOutputs(component));
      listener.onSession?.(component, backend);
      return session;
    })();
    this.sessions.set(component, created);
    created.catch(() => {
      if (this.sessions.get(component) === created) this.sessions.delete(component);
    });
    return created;
  }

  /** Runs a component, falling back to WASM once if WebGPU fails. */
  run(
    component: string,
    feeds: Record<string, FeedTensor>,
    load: ComponentLoader,
    stats?: RunStats,
    listener: PoolListener = {},
  ): Promise<Record<string, OutputTensor>> {
    return this.withFallback(component, load, listener, (session) => session.run(feeds, stats));
  }

  /** `run`, leaving the component's device outputs in GPU memory (ModelSession.runKeeping). */
  runKeeping(
    component: string,
    feeds: Record<string, FeedTensor>,
    load: ComponentLoader,
    stats?: RunStats,
    listener: PoolListener = {},
  ): Promise<KeptOutputs> {
    return this.withFallback(component, load, listener, (session) => session.runKeeping(feeds, stats));
  }

  private async withFallback<T>(
    component: string,
    load: ComponentLoader,
    listener: PoolListener,
    call: (session: ModelSession) => Promise<T>,
  ): Promise<T> {
    try {
      return await call(await this.session(component, load, listener));
    } catch (error) {
      if (this.currentBackend !== 'webgpu' || !isGpuError(error)) throw error;
      await this.fallBackToWasm(component, error, listener);
      return call(await this.session(component, load, listener));
    }
  }

  private async fallBackToWasm(component: string, error: unknown, listener: PoolListener): Promise<void> {
    const reason = error instanceof Error ? error.message : String(error);
    this.webgpuFailure = reason.length > 200 ? `${reason.slice(0, 200)}…` : reason;
    const message = `WebGPU failed while running ${component} (${this.webgpuFailure}). Switched to WASM (CPU) for the rest of this session; it is slower but gives the same results.`;
    console.warn(`[engine] ${message}`);
    const key = this.key;
    await this.releaseAll();
    this.key = key?.replace(/\|webgpu$/, '|wasm') ?? null;
    this.currentBackend = 'wasm';
    listener.onFallback?.(message);
  }

  /** Releases every session (errors while releasing are ignored: the GPU may already be gone). */
  async releaseAll(): Promise<void> {
    const all = [...this.sessions.values()];
    this.sessions.clear();
    this.key = null;
    await Promise.all(all.map((p) => p.then((s) => s.release()).catch(() => undefined)));
  }
}
