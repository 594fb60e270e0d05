import type { Backend, GenerationRequest, GreyImage, JobEvent, JobResult } from './job';
import type { ModelEvaluation } from './model-evaluation';
import type { ParityReport, ParityRequest } from './parity';

export interface DeviceCapabilities {
  readonly webgpu: boolean;
  readonly adapterDescription: string | null;
  readonly isFallbackAdapter: boolean;
  readonly shaderF16: boolean;
  readonly maxBufferSize: number | null;
  readonly maxStorageBufferBindingSize: number | null;
  readonly crossOriginIsolated: boolean;
  readonly wasmThreads: number;
}

export interface ModelCacheStatus {
  readonly modelId: string;
  readonly variant: string;
  /** Files the chosen variant needs (graphs, tokenizers, assets), with what is already cached and verified. */
  readonly files: readonly { readonly path: string; readonly bytes: number; readonly cached: boolean }[];
  readonly cachedBytes: number;
  readonly totalBytes: number;
  readonly complete: boolean;
}

export interface StorageInfo {
  readonly usage: number | null;
  readonly quota: number | null;
  readonly persisted: boolean;
}

export interface RequirementCheck {
  readonly ok: boolean;
  /** Human sentences: what will not run, what falls back to WASM. */
  readonly messages: readonly string[];
  readonly backend: Backend;
  readonly variant: string;
}

export interface ClassifierResult {
  readonly labels: readonly string[];
  readonly probs: readonly number[];
}

export interface EngineInitOptions {
  readonly preferBackend?: Backend;
  /**
   * WASM threads for onnxruntime (benchmarks). Default: min(2, cores) when cross-origin isolated, else 1. Only
   * the first value before the first job counts: ORT reads it once, when its WASM starts.
   */
  readonly wasmThreads?: number;
}

export type ProgressCallback = (event: JobEvent) => void;

/**
 * Where a job's events go: a callback (a comlink proxy from the UI, a plain function in Node), or one end of a
 * MessageChannel whose other end the UI reads with `receiveJobEvents` (one-way messages: `contracts/event-port.ts`).
 */
export type ProgressSink = ProgressCallback | MessagePort;

/**
 * The one API between the UI thread and the engine worker (comlink). The worker implements it; the UI calls
 * `wrap<EngineApi>()`. Callbacks cross as comlink proxies; a job's events may come on a MessagePort instead
 * (`ProgressSink`). Cancellation is cooperative: `cancel(jobId)` sets the job's AbortSignal and a shared cancel flag
 * is set directly; the pipeline checks both every denoising step and every decoded token.
 */
export interface EngineApi {
  /** Loads and validates the manifest (throws a clear message on schema errors) and probes the device. */
  init(manifestUrl: string, options?: EngineInitOptions): Promise<{ readonly capabilities: DeviceCapabilities; readonly modelIds: readonly string[] }>;
  checkRequirements(modelId: string, variant?: string): Promise<RequirementCheck>;
  cacheStatus(modelId: string, variant?: string): Promise<ModelCacheStatus>;
  /** Downloads (resuming partial files with HTTP Range), verifies sha256 and caches every file of the variant. */
  prepareModel(modelId: string, variant: string | undefined, onEvent: ProgressCallback): Promise<ModelCacheStatus>;
  /**
   * Removes cached files. Without `variant`: every file of the model. With one: that variant's files, except those
   * another variant still on this device needs (shared tokenizers, assets, graphs).
   */
  evictModel(modelId: string, variant?: string): Promise<void>;
  storageInfo(requestPersist: boolean): Promise<StorageInfo>;
  /**
   * `cancelFlag` (optional, from `createCancelFlag`): a shared flag the caller sets to cancel; the worker reads it
   * every step and token without waiting for the event loop. `cancel(jobId)` works with or without it.
   */
  generate(request: GenerationRequest, onEvent: ProgressSink, cancelFlag?: Int32Array): Promise<JobResult>;
  cancel(jobId: string): Promise<void>;
  classify(modelId: string, image: GreyImage): Promise<ClassifierResult>;
  /**
   * The quality measured for the model (its `evaluation` asset, checked against its sha256 and the schema; read
   * from the cache once the model is downloaded, fetched without caching before), or null when the manifest lists none.
   */
  modelEvaluation(modelId: string): Promise<ModelEvaluation | null>;
  /**
   * Test and benchmark plumbing (never used by the UI): replays the toolchain's parity fixtures through this
   * engine's sessions and pipeline stages and reports the errors against PyTorch. Queued like a job.
   */
  runParity(request: ParityRequest): Promise<ParityReport>;
}
