/**
 * @file The engine behind `EngineApi`: the one object the UI talks to (via comlink, see engine.worker.ts).
 *
 * - Jobs that run graphs (generate, classify) go through one RunQueue: one at a time, each with its own
 *   AbortController; `cancel(jobId)` is cooperative (checked every step and token), the worker is never
 *   terminated and the next job works as usual.
 * - Sessions are created lazily per component and kept for the next job (SessionPool).
 * - onnxruntime-web is imported lazily (dynamic import of runtime/ort-env.ts) on the first job, so the worker
 *   starts fast and node tests can inject onnxruntime-node instead.
 * - Model files come from the IndexedDB cache, downloaded (resumable, verified) when missing.
 */
import { transfer } from 'comlink';
import type { ClassifierResult, DeviceCapabilities, EngineApi, EngineInitOptions, ModelCacheStatus, ProgressCallback, ProgressSink, RequirementCheck, StorageInfo } from '../src/contracts/engine-api';
import type { Backend, GenerationRequest, GreyImage, JobEvent, JobResult } from '../src/contracts/job';
import type { ModelEntry } from '../src/contracts/manifest-schema';
import type { ParityReport, ParityRequest } from '../src/contracts/parity';
import { parseManifest } from '../src/contracts/manifest-schema';
import { parseModelEvaluation, type ModelEvaluation } from '../src/contracts/model-evaluation';
import { classifyImage } from './classify';
import { isAbort, safeEmitter } from './job-events';
import { ModelAssets } from './model-assets';
import type { GenerateEnv, JobNeeds } from './pipeline/generate';
import { generate, validateRequest } from './pipeline/generate';
import { attachCancelFlag } from './job-abort';
import { isCancelFlag } from '../src/contracts/cancel-flag';
import { FileCache } from './registry/file-cache';
import type { ModelFile } from './registry/model-registry';
import { ModelRegistry } from './registry/model-registry';
import { ModelStore } from './registry/model-store';
import { filesToEvict } from './registry/variant-eviction';
import type { ManifestCache } from './registry/manifest-cache';
import { createManifestCache } from './registry/manifest-cache';
import type { StorageEstimator } from './registry/storage';
import { estimateStorage, storageInfo } from './registry/storage';
import { RunQueue } from './run-queue';
import type { DeviceProbe } from './runtime/capabilities';
import { checkModelRequirements, defaultWasmThreads, modelVariantIds, probeDevice } from './runtime/capabilities';
import type { OrtBinding } from './runtime/ort-binding';
import type { FeedTensor, KeptOutputs, OutputTensor, RunStats } from './runtime/session';
import { KV_CACHE_OUTPUTS } from './pipeline/decode-outputs';
import { denoiseDeviceOutputs } from './pipeline/denoise-loop';
import type { PoolListener } from './runtime/session-pool';
import { SessionPool } from './runtime/session-pool';

export interface EngineDeps {
  /** Loads and configures onnxruntime (browser: onnxruntime-web/webgpu; tests: onnxruntime-node). */
  /** Loads the ORT build for a backend: the plain WASM build runs WASM about 3x faster than the WebGPU build. */
  readonly loadOrt: (options: { readonly numThreads: number; readonly backend: Backend }) => Promise<OrtBinding>;
  readonly fetchImpl: typeof fetch;
  readonly cache: FileCache;
  readonly estimate: StorageEstimator;
  readonly probe: (wasmThreads: number) => Promise<DeviceProbe>;
  readonly wasmThreads: () => number;
  /** URL that a relative manifest URL resolves against (the worker's location). */
  readonly baseUrl: () => string;
  /** Last good manifest per URL, used when the network is unavailable. */
  readonly manifestCache: ManifestCache;
}

export class Engine implements EngineApi {
  private registry: ModelRegistry | null = null;
  private manifestText = '';
  private probeResult: DeviceProbe | null = null;
  private preferBackend: Backend | undefined;
  private readonly queue = new RunQueue();
  private readonly store: ModelStore;
  private ortPromise: Promise<OrtBinding> | null = null;
  /** The backend whose ORT build `ortPromise` holds. */
  private ortBackend: Backend | null = null;
  private pool: SessionPool | null = null;
  private readonly assets: ModelAssets;
  private classifyCount = 0;
  private wasmThreadsOverride: number | undefined;

  constructor(private readonly deps: EngineDeps) {
    this.store = new ModelStore(deps.cache, { fetchImpl: deps.fetchImpl, estimate: deps.estimate });
    this.assets = new ModelAssets(this.store);
  }

  async init(manifestUrl: string, options: EngineInitOptions = {}): Promise<{ capabilities: DeviceCapabilities; modelIds: readonly string[] }> {
    const threads = options.wasmThreads;
    if (threads !== undefined) {
      if (!Number.isInteger(threads) || threads < 1 || threads > 64) throw new Error(`wasmThreads must be a whole number from 1 to 64 (got ${String(threads)})`);
      if (!this.ortPromise) this.wasmThreadsOverride = threads;
    }
    const url = new URL(manifestUrl, this.deps.baseUrl()).href;
    const text = await this.fetchManifestText(url);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      throw new Error(`The model manifest at ${url} is not valid JSON: ${(e as Error).message}`);
    }
    const manifest = parseManifest(json);
    if (this.registry && text !== this.manifestText && this.pool) {
      const pool = this.pool;
      // Sessions may belong to files that changed: drop them, but only between jobs.
      void this.queue.enqueue(`reload:${Date.now()}`, () => pool.releaseAll()).catch(() => undefined);
      this.assets.forget();
    }
    this.registry = new ModelRegistry(manifest, url);
    this.manifestText = text;
    void this.deps.manifestCache.set(url, text);
    this.preferBackend = options.preferBackend;
    this.probeResult ??= await this.deps.probe(this.wasmThreads());
    return { capabilities: this.probeResult.capabilities, modelIds: this.registry.modelIds };
  }

  /** The manifest text from the network; the last good copy when offline (network error or 5xx). */
  private async fetchManifestText(url: string): Promise<string> {
    let problem: string;
    try {
      const response = await this.deps.fetchImpl(url, { cache: 'no-cache' });
      if (response.ok) return await response.text();
      problem = `HTTP ${response.status}`;
      if (response.status < 500) throw new Error(`Could not load the model manifest from ${url}: ${problem}`);
    } catch (e) {
      if ((e as Error).message.startsWith('Could not load')) throw e;
      problem = (e as Error).message;
    }
    const cached = await this.deps.manifestCache.get(url);
    if (cached !== undefined) {
      console.warn(`[engine] manifest unavailable (${problem}); using the copy from the last successful load`);
      return cached;
    }
    throw new Error(`Could not load the model manifest from ${url}: ${problem}`);
  }

  private ready(): { registry: ModelRegistry; probe: DeviceProbe } {
    if (!this.registry || !this.probeResult) throw new Error('The engine is not initialised: call init(manifestUrl) first.');
    return { registry: this.registry, probe: this.probeResult };
  }

  async checkRequirements(modelId: string, variant?: string): Promise<RequirementCheck> {
    const { registry, probe } = this.ready();
    return checkModelRequirements(registry.model(modelId), probe, {
      variant,
      preferBackend: this.preferBackend,
      webgpuFailure: this.pool?.webgpuFailure ?? null,
    });
  }

  private async chooseVariant(model: ModelEntry, variant: string | undefined): Promise<RequirementCheck> {
    const check = await this.checkRequirements(model.id, variant);
    if (!check.ok) throw new Error(check.messages.join(' '));
    return check;
  }

  async cacheStatus(modelId: string, variant?: string): Promise<ModelCacheStatus> {
    const { registry } = this.ready();
    const model = registry.model(modelId);
    const chosen = variant ?? (await this.checkRequirements(modelId)).variant;
    return this.store.status(modelId, chosen, registry.variantFiles(model, chosen));
  }

  async prepareModel(modelId: string, variant: string | undefined, onEvent: ProgressCallback): Promise<ModelCacheStatus> {
    const emit = safeEmitter(onEvent);
    try {
      const { registry } = this.ready();
      const model = registry.model(modelId);
      const chosen = variant ?? (await this.checkRequirements(modelId)).variant;
      const jobId = `prepare:${modelId}`;
      const files = registry.variantFiles(model, chosen);
      await this.store.ensure(modelId, files, {
        onProgress: (file, loaded, total) => emit({ type: 'download', jobId, file, loaded, total }),
      });
      return await this.store.status(modelId, chosen, files);
    } finally {
      emit.release();
    }
  }

  async evictModel(modelId: string, variant?: string): Promise<void> {
    if (variant === undefined) await this.store.evict(modelId);
    else {
      const { registry } = this.ready();
      const model = registry.model(modelId);
      const offered = modelVariantIds(model);
      // variantFiles() falls back to fp32 for an unknown id: never delete another variant's files by mistake.
      if (!offered.includes(variant)) throw new Error(`Model ${modelId} has no variant "${variant}" (it offers ${offered.join(', ')}).`);
      const target = registry.variantFiles(model, variant);
      const others = offered
        .filter((id) => id !== variant)
        .map((id) => registry.variantFiles(model, id));
      const cached = await this.store.cache.cachedSet(modelId, [...target, ...others.flat()].map((f) => f.sha256));
      await this.store.evictFiles(modelId, filesToEvict(target, others, cached));
    }
    const pool = this.pool;
    if (pool?.activeModelId === modelId) {
      // Free the model's sessions too, but never under a running job.
      void this.queue.enqueue(`evict:${modelId}:${Date.now()}`, () => pool.releaseAll()).catch(() => undefined);
    }
    this.assets.forget(modelId);
  }

  storageInfo(requestPersist: boolean): Promise<StorageInfo> {
    return storageInfo(requestPersist);
  }

  async generate(request: GenerationRequest, onEvent: ProgressSink, cancelFlag?: Int32Array): Promise<JobResult> {
    const emit = safeEmitter(onEvent);
    const jobId = request?.jobId;
    try {
      if (cancelFlag !== undefined && !isCancelFlag(cancelFlag)) {
        throw new Error('The cancel flag must be an Int32Array over a SharedArrayBuffer (createCancelFlag), or left out');
      }
      const { registry } = this.ready();
      const model = registry.model(request.modelId);
      validateRequest(request, model);
      const pending = this.queue.enqueue(jobId, (signal) => {
        if (cancelFlag) attachCancelFlag(signal, cancelFlag);
        return this.runGenerate(request, model, signal, emit);
      });
      emit({ type: 'queued', jobId });
      const result = await pending;
      await emit.settle({ type: 'done', jobId });
      const buffers = [result.outputs.frontal, result.outputs.lateral].flatMap((img) => (img ? [img.pixels.buffer as ArrayBuffer] : []));
      return transfer(result, buffers);
    } catch (e) {
      if (isAbort(e)) await emit.settle({ type: 'cancelled', jobId });
      else await emit.settle({ type: 'error', jobId, message: e instanceof Error ? e.message : String(e) });
      throw e;
    } finally {
      emit.release();
    }
  }

  async cancel(jobId: string): Promise<void> {
    this.queue.cancel(jobId);
  }

  async classify(modelId: string, image: GreyImage): Promise<ClassifierResult> {
    const { registry } = this.ready();
    const model = registry.model(modelId);
    this.classifyCount += 1;
    return this.queue.enqueue(`classify:${this.classifyCount}`, async (signal) => {
      const { run } = await this.sessionsFor(model, undefined, signal, () => undefined);
      return classifyImage(model, (component, feeds) => run(component, feeds), image);
    });
  }

  async modelEvaluation(modelId: string): Promise<ModelEvaluation | null> {
    const { registry } = this.ready();
    const model = registry.model(modelId);
    if (!model.assets.some((a) => a.name === 'evaluation')) return null;
    const file = registry.assetFile(model, 'evaluation');
    return parseModelEvaluation(await this.store.readUncached(model.id, file), file.path);
  }

  private wasmThreads(): number {
    return this.wasmThreadsOverride ?? this.deps.wasmThreads();
  }

  async runParity(request: ParityRequest): Promise<ParityReport> {
    const { registry, probe } = this.ready();
    const model = registry.model(request.modelId);
    this.classifyCount += 1;
    return this.queue.enqueue(`parity:${this.classifyCount}`, async (signal) => {
      const started = performance.now();
      const { check, pool, run, runKeeping } = await this.sessionsFor(model, request.variant, signal, () => undefined);
      const binding = await (this.ortPromise as Promise<OrtBinding>);
      const options = { signal };
      const { runParityChecks } = await import('./parity/parity');
      const { graphs, runs } = await runParityChecks(
        {
          model,
          signal,
          run,
          runKeeping,
          loadUnconditional: () => this.assets.loadUnconditional(registry, model, options),
          loadTextTools: (needs) => this.assets.loadTextTools(registry, model, needs, options),
          stepOnDevice: request.stepGraph ?? pool.backend === 'webgpu',
        },
        request,
      );
      return {
        modelId: model.id,
        backend: pool.backend,
        runtime: binding.name,
        wasmThreads: binding.wasmThreads,
        crossOriginIsolated: probe.capabilities.crossOriginIsolated,
        graphs,
        runs,
        totalMs: performance.now() - started,
      };
    });
  }

  /** ORT binding + pool, created on first use (a failed load is forgotten so a retry works). */
  private async runtime(backend: Backend): Promise<SessionPool> {
    // A WebGPU build can still run WASM sessions (after a GPU failure); only a WASM build must be swapped out.
    if (this.ortPromise && this.ortBackend === 'wasm' && backend === 'webgpu') {
      await this.pool?.releaseAll();
      this.pool = null;
      this.ortPromise = null;
    }
    if (!this.ortPromise) {
      this.ortBackend = backend;
      this.ortPromise = this.deps.loadOrt({ numThreads: this.wasmThreads(), backend }).catch((e: unknown) => {
        this.ortPromise = null;
        throw e;
      });
    }
    const binding = await this.ortPromise;
    this.pool ??= new SessionPool(binding, (component) => KV_CACHE_OUTPUTS[component] ?? denoiseDeviceOutputs(component));
    return this.pool;
  }

  /** Configures the pool for model+variant+backend and returns a run() that creates sessions lazily. */
  private async sessionsFor(
    model: ModelEntry,
    variant: string | undefined,
    signal: AbortSignal,
    emit: (event: JobEvent) => void,
    jobId = '',
  ): Promise<{
    check: RequirementCheck;
    pool: SessionPool;
    run: (component: string, feeds: Record<string, FeedTensor>, stats?: RunStats) => Promise<Record<string, OutputTensor>>;
    runKeeping: (component: string, feeds: Record<string, FeedTensor>, stats?: RunStats) => Promise<KeptOutputs>;
  }> {
    const { registry } = this.ready();
    const check = await this.chooseVariant(model, variant);
    const pool = await this.runtime(check.backend);
    await pool.configure(model.id, check.variant, check.backend);
    const onProgress = (file: string, loaded: number, total: number) => emit({ type: 'download', jobId, file, loaded, total });
    const load = this.assets.componentLoader(registry, model, check.variant, { signal, onProgress });
    const listener: PoolListener = {
      onSession: (component, backend) => emit({ type: 'session', jobId, component, backend }),
    };
    return {
      check,
      pool,
      run: (component, feeds, stats) => pool.run(component, feeds, load, stats, listener),
      runKeeping: (component, feeds, stats) => pool.runKeeping(component, feeds, load, stats, listener),
    };
  }

  /**
   * The files a job must have on disk before it starts: those of components without an open session and of
   * assets not yet parsed. Open sessions and parsed assets never read their files again, so a repeat job skips
   * the IndexedDB lookup (measured: 3.2 ms of a 238 ms F→T job).
   */
  private filesToPrepare(model: ModelEntry, variant: string, needs: JobNeeds, pool: SessionPool): ModelFile[] {
    const components = needs.components.filter((c) => !pool.holds(c));
    return this.ready()
      .registry.filesFor(model, variant, { ...needs, components })
      .filter((f) => !this.assets.holdsFile(model.id, f.sha256));
  }

  private async runGenerate(
    request: GenerationRequest,
    model: ModelEntry,
    signal: AbortSignal,
    emit: (event: JobEvent) => void,
  ): Promise<JobResult> {
    const { registry } = this.ready();
    const { check, pool, run, runKeeping } = await this.sessionsFor(model, request.variant, signal, emit, request.jobId);
    const onProgress = (file: string, loaded: number, total: number) => emit({ type: 'download', jobId: request.jobId, file, loaded, total });
    const options = { signal, onProgress };
    const env: GenerateEnv = {
      model,
      variant: check.variant,
      backend: () => pool.backend,
      prepare: (needs, sig) => this.store.ensure(model.id, this.filesToPrepare(model, check.variant, needs, pool), { signal: sig, onProgress }),
      run,
      runKeeping,
      loadUnconditional: () => this.assets.loadUnconditional(registry, model, options),
      loadTextTools: (needs) => this.assets.loadTextTools(registry, model, needs, options),
    };
    return generate(request, env, signal, emit);
  }
}

/** The engine with browser defaults; pass deps to replace any of them (tests). */
export function createEngine(deps: Partial<EngineDeps> = {}): Engine {
  return new Engine({
    loadOrt: deps.loadOrt ?? ((options) => import('./runtime/ort-env').then((m) => m.createWebOrtBinding(options))),
    fetchImpl: deps.fetchImpl ?? ((input, init) => fetch(input, init)),
    cache: deps.cache ?? new FileCache(),
    estimate: deps.estimate ?? estimateStorage,
    probe: deps.probe ?? probeDevice,
    wasmThreads: deps.wasmThreads ?? defaultWasmThreads,
    baseUrl: deps.baseUrl ?? (() => (globalThis.location as { href?: string } | undefined)?.href ?? 'http://localhost/'),
    manifestCache: deps.manifestCache ?? createManifestCache(),
  });
}
