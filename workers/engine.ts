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
import { releaseProxy, transfer } from 'comlink';
import type { ClassifierResult, DeviceCapabilities, EngineApi, ModelCacheStatus, ProgressCallback, RequirementCheck, StorageInfo } from '../src/contracts/engine-api';
import type { Backend, GenerationRequest, GreyImage, JobEvent, JobResult } from '../src/contracts/job';
import type { ModelEntry } from '../src/contracts/manifest-schema';
import { parseManifest } from '../src/contracts/manifest-schema';
import { classifyImage } from './classify';
import type { TextTools, Unconditional } from './pipeline/context';
import { parseUnconditional } from './pipeline/encode-conditions';
import type { GenerateEnv } from './pipeline/generate';
import { generate, validateRequest } from './pipeline/generate';
import { buildTextTools } from './pipeline/text-tools';
import { FileCache } from './registry/file-cache';
import type { ModelFile } from './registry/model-registry';
import { ModelRegistry } from './registry/model-registry';
import { ModelStore } from './registry/model-store';
import type { ManifestCache } from './registry/manifest-cache';
import { createManifestCache } from './registry/manifest-cache';
import type { StorageEstimator } from './registry/storage';
import { estimateStorage, storageInfo } from './registry/storage';
import { RunQueue } from './run-queue';
import type { DeviceProbe } from './runtime/capabilities';
import { checkModelRequirements, defaultWasmThreads, probeDevice } from './runtime/capabilities';
import type { OrtBinding } from './runtime/ort-binding';
import type { FeedTensor, OutputTensor, RunStats } from './runtime/session';
import type { ComponentLoader, PoolListener } from './runtime/session-pool';
import { SessionPool } from './runtime/session-pool';

export interface EngineDeps {
  /** Loads and configures onnxruntime (browser: onnxruntime-web/webgpu; tests: onnxruntime-node). */
  readonly loadOrt: () => Promise<OrtBinding>;
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

/** Calls a (possibly comlink-proxied) callback without letting its failures reach the job. */
function safeEmitter(onEvent: ProgressCallback | undefined): (event: JobEvent) => void {
  return (event) => {
    if (!onEvent) return;
    try {
      const r: unknown = onEvent(event);
      if (r && typeof (r as Promise<unknown>).then === 'function') (r as Promise<unknown>).catch(() => undefined);
    } catch {
      /* the UI went away; the job goes on */
    }
  };
}

/** Releases a comlink remote callback (no-op for plain functions): closes its channel once the job settled. */
function releaseCallback(onEvent: unknown): void {
  try {
    const release = (onEvent as Record<symbol, unknown> | null)?.[releaseProxy];
    if (typeof release === 'function') (release as () => void)();
  } catch {
    /* already released */
  }
}

const isAbort = (e: unknown): boolean => (e as { name?: unknown } | null)?.name === 'AbortError';

/** The ONNX file of a component and its external-data files (paths relative to the .onnx file's folder). */
function splitModelFiles(files: readonly ModelFile[]): { main: ModelFile; external: ModelFile[] } {
  const main = files.find((f) => f.path.endsWith('.onnx')) ?? (files[0] as ModelFile);
  return { main, external: files.filter((f) => f !== main) };
}

function relativeTo(mainPath: string, path: string): string {
  const dir = mainPath.includes('/') ? mainPath.slice(0, mainPath.lastIndexOf('/') + 1) : '';
  return dir && path.startsWith(dir) ? path.slice(dir.length) : path;
}

export class Engine implements EngineApi {
  private registry: ModelRegistry | null = null;
  private manifestText = '';
  private probeResult: DeviceProbe | null = null;
  private preferBackend: Backend | undefined;
  private readonly queue = new RunQueue();
  private readonly store: ModelStore;
  private ortPromise: Promise<OrtBinding> | null = null;
  private pool: SessionPool | null = null;
  private readonly textTools = new Map<string, Promise<TextTools>>();
  private readonly unconditional = new Map<string, Promise<Unconditional>>();
  private classifyCount = 0;

  constructor(private readonly deps: EngineDeps) {
    this.store = new ModelStore(deps.cache, { fetchImpl: deps.fetchImpl, estimate: deps.estimate });
  }

  async init(manifestUrl: string, options: { readonly preferBackend?: Backend } = {}): Promise<{ capabilities: DeviceCapabilities; modelIds: readonly string[] }> {
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
      this.textTools.clear();
      this.unconditional.clear();
    }
    this.registry = new ModelRegistry(manifest, url);
    this.manifestText = text;
    void this.deps.manifestCache.set(url, text);
    this.preferBackend = options.preferBackend;
    this.probeResult ??= await this.deps.probe(this.deps.wasmThreads());
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
    const { registry } = this.ready();
    const model = registry.model(modelId);
    const chosen = variant ?? (await this.checkRequirements(modelId)).variant;
    const emit = safeEmitter(onEvent);
    const jobId = `prepare:${modelId}`;
    try {
      await this.store.ensure(modelId, registry.variantFiles(model, chosen), {
        onProgress: (file, loaded, total) => emit({ type: 'download', jobId, file, loaded, total }),
      });
    } finally {
      releaseCallback(onEvent);
    }
    return this.store.status(modelId, chosen, registry.variantFiles(model, chosen));
  }

  async evictModel(modelId: string): Promise<void> {
    await this.store.evict(modelId);
    const pool = this.pool;
    if (pool?.activeModelId === modelId) {
      // Free the model's sessions too, but never under a running job.
      void this.queue.enqueue(`evict:${modelId}:${Date.now()}`, () => pool.releaseAll()).catch(() => undefined);
    }
    for (const key of [...this.textTools.keys(), ...this.unconditional.keys()]) {
      if (key.startsWith(`${modelId}|`)) {
        this.textTools.delete(key);
        this.unconditional.delete(key);
      }
    }
  }

  storageInfo(requestPersist: boolean): Promise<StorageInfo> {
    return storageInfo(requestPersist);
  }

  async generate(request: GenerationRequest, onEvent: ProgressCallback): Promise<JobResult> {
    const emit = safeEmitter(onEvent);
    const jobId = request?.jobId;
    try {
      const { registry } = this.ready();
      const model = registry.model(request.modelId);
      validateRequest(request, model);
      const pending = this.queue.enqueue(jobId, (signal) => this.runGenerate(request, model, signal, emit));
      emit({ type: 'queued', jobId });
      const result = await pending;
      emit({ type: 'done', jobId });
      const buffers = [result.outputs.frontal, result.outputs.lateral].flatMap((img) => (img ? [img.pixels.buffer as ArrayBuffer] : []));
      return transfer(result, buffers);
    } catch (e) {
      if (isAbort(e)) emit({ type: 'cancelled', jobId });
      else emit({ type: 'error', jobId, message: e instanceof Error ? e.message : String(e) });
      throw e;
    } finally {
      releaseCallback(onEvent);
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

  /** ORT binding + pool, created on first use (a failed load is forgotten so a retry works). */
  private async runtime(): Promise<SessionPool> {
    this.ortPromise ??= this.deps.loadOrt().catch((e: unknown) => {
      this.ortPromise = null;
      throw e;
    });
    const binding = await this.ortPromise;
    this.pool ??= new SessionPool(binding);
    return this.pool;
  }

  /** Configures the pool for model+variant+backend and returns a run() that creates sessions lazily. */
  private async sessionsFor(
    model: ModelEntry,
    variant: string | undefined,
    signal: AbortSignal,
    emit: (event: JobEvent) => void,
    jobId = '',
  ): Promise<{ check: RequirementCheck; pool: SessionPool; run: (component: string, feeds: Record<string, FeedTensor>, stats?: RunStats) => Promise<Record<string, OutputTensor>> }> {
    const { registry } = this.ready();
    const check = await this.chooseVariant(model, variant);
    const pool = await this.runtime();
    await pool.configure(model.id, check.variant, check.backend);
    const onProgress = (file: string, loaded: number, total: number) => emit({ type: 'download', jobId, file, loaded, total });
    const load: ComponentLoader = async (component) => {
      const { main, external } = splitModelFiles(registry.componentFiles(model, component, check.variant));
      const bytes = await this.store.read(model.id, main, { signal, onProgress });
      const externalData = [];
      for (const f of external) {
        externalData.push({ path: relativeTo(main.path, f.path), data: await this.store.read(model.id, f, { signal, onProgress }) });
      }
      return { model: bytes, externalData };
    };
    const listener: PoolListener = {
      onSession: (component, backend) => emit({ type: 'session', jobId, component, backend }),
    };
    return { check, pool, run: (component, feeds, stats) => pool.run(component, feeds, load, stats, listener) };
  }

  private async runGenerate(
    request: GenerationRequest,
    model: ModelEntry,
    signal: AbortSignal,
    emit: (event: JobEvent) => void,
  ): Promise<JobResult> {
    const { registry } = this.ready();
    const { check, pool, run } = await this.sessionsFor(model, request.variant, signal, emit, request.jobId);
    const onProgress = (file: string, loaded: number, total: number) => emit({ type: 'download', jobId: request.jobId, file, loaded, total });
    const readAsset = (file: ModelFile) => this.store.read(model.id, file, { signal, onProgress });
    const env: GenerateEnv = {
      model,
      variant: check.variant,
      backend: () => pool.backend,
      prepare: (needs, sig) =>
        this.store.ensure(model.id, registry.filesFor(model, check.variant, needs), { signal: sig, onProgress }),
      run,
      loadUnconditional: () => {
        const file = registry.assetFile(model, 'unconditional');
        const key = `${model.id}|${file.sha256}`;
        let p = this.unconditional.get(key);
        if (!p) {
          p = readAsset(file).then((bytes) => parseUnconditional(bytes, model.embedDim));
          this.unconditional.set(key, p);
          p.catch(() => this.unconditional.delete(key));
        }
        return p;
      },
      loadTextTools: ({ clip, gpt2 }) => {
        const clipFile = clip ? registry.tokenizerFile(model, model.textEncoder.tokenizer) : null;
        const gptFile = gpt2 ? registry.tokenizerFile(model, model.textDecoder.tokenizer) : null;
        const key = `${model.id}|${clipFile?.sha256 ?? '-'}|${gptFile?.sha256 ?? '-'}`;
        let p = this.textTools.get(key);
        if (!p) {
          p = (async () => {
            const files: { clip?: Uint8Array; gpt2?: Uint8Array } = {};
            if (clipFile) files.clip = await readAsset(clipFile);
            if (gptFile) files.gpt2 = await readAsset(gptFile);
            return buildTextTools(model, files);
          })();
          this.textTools.set(key, p);
          p.catch(() => this.textTools.delete(key));
        }
        return p;
      },
    };
    return generate(request, env, signal, emit);
  }
}

/** The engine with browser defaults; pass deps to replace any of them (tests). */
export function createEngine(deps: Partial<EngineDeps> = {}): Engine {
  return new Engine({
    loadOrt: deps.loadOrt ?? (() => import('./runtime/ort-env').then((m) => m.createWebOrtBinding())),
    fetchImpl: deps.fetchImpl ?? ((input, init) => fetch(input, init)),
    cache: deps.cache ?? new FileCache(),
    estimate: deps.estimate ?? estimateStorage,
    probe: deps.probe ?? probeDevice,
    wasmThreads: deps.wasmThreads ?? defaultWasmThreads,
    baseUrl: deps.baseUrl ?? (() => (globalThis.location as { href?: string } | undefined)?.href ?? 'http://localhost/'),
    manifestCache: deps.manifestCache ?? createManifestCache(),
  });
}
