/**
 * @file Model files on this device: cache status, download-if-missing and verified read-back.
 *
 * One in-flight download per file (memoised by key, failures forgotten so a retry works). Reading assembles the
 * cached chunks and re-checks sha256: a corrupted file (bit rot, a tampered store, a bug) is deleted and
 * downloaded again instead of reaching onnxruntime as "protobuf parsing failed".
 */
import type { ModelCacheStatus } from '../../src/contracts/engine-api';
import type { FileCache } from './file-cache';
import type { ModelFile } from './model-registry';
import { downloadFile } from './download';
import { abortError, throwIfAborted } from '../job-abort';
import { matchesManifest } from './sha256';
import type { StorageEstimator } from './storage';

export interface StoreDeps {
  readonly fetchImpl?: typeof fetch | undefined;
  readonly estimate?: StorageEstimator | undefined;
}

export interface EnsureOptions {
  readonly signal?: AbortSignal | undefined;
  readonly onProgress?: ((path: string, loaded: number, total: number) => void) | undefined;
}

export class ModelStore {
  private readonly inFlight = new Map<string, Promise<void>>();

  constructor(
    readonly cache: FileCache,
    private readonly deps: StoreDeps = {},
  ) {}

  async status(modelId: string, variant: string, files: readonly ModelFile[]): Promise<ModelCacheStatus> {
    const cached = await this.cache.cachedSet(modelId, files.map((f) => f.sha256));
    const list = files.map((f) => ({ path: f.path, bytes: f.bytes, cached: cached.has(f.sha256) }));
    const totalBytes = list.reduce((n, f) => n + f.bytes, 0);
    const cachedBytes = list.reduce((n, f) => n + (f.cached ? f.bytes : 0), 0);
    return { modelId, variant, files: list, cachedBytes, totalBytes, complete: list.every((f) => f.cached) };
  }

  /** Downloads every missing file (one after the other). */
  async ensure(modelId: string, files: readonly ModelFile[], options: EnsureOptions = {}): Promise<void> {
    if (files.length === 0) return;
    const cached = await this.cache.cachedSet(modelId, files.map((f) => f.sha256));
    const missing = files.filter((f) => !cached.has(f.sha256));
    let neededBytes = missing.reduce((n, f) => n + f.bytes, 0);
    for (const file of missing) {
      await this.ensureOne(modelId, file, neededBytes, options);
      neededBytes -= file.bytes;
    }
  }

  private async ensureOne(modelId: string, file: ModelFile, neededBytes: number, options: EnsureOptions): Promise<void> {
    const key = `${modelId}/${file.sha256}`;
    for (;;) {
      throwIfAborted(options.signal);
      const existing = this.inFlight.get(key);
      if (!existing) break;
      try {
        // Someone else's download of the same file (Download for offline use, another job): wait for it, but a
        // cancel of this job must not wait for the whole file.
        await untilAborted(existing, options.signal);
        return;
      } catch (e) {
        throwIfAborted(options.signal);
        // Someone else's download failed or was cancelled: try ourselves unless we were cancelled too.
        if ((e as { name?: unknown } | null)?.name !== 'AbortError') throw e;
      }
    }
    const promise = downloadFile({
      modelId,
      file,
      url: file.url,
      cache: this.cache,
      signal: options.signal,
      onProgress: options.onProgress ? (p) => options.onProgress?.(p.path, p.loaded, p.total) : undefined,
      fetchImpl: this.deps.fetchImpl,
      estimate: this.deps.estimate,
      neededBytes,
    });
    this.inFlight.set(key, promise);
    try {
      await promise;
    } finally {
      this.inFlight.delete(key);
    }
  }

  /**
   * The verified bytes of a file: downloads it if missing; if the cached copy fails its sha256 check it is
   * deleted and downloaded again (once).
   */
  async read(modelId: string, file: ModelFile, options: EnsureOptions = {}): Promise<Uint8Array> {
    for (let attempt = 0; attempt < 2; attempt++) {
      if (!(await this.cache.isCached(modelId, file.sha256))) {
        await this.ensureOne(modelId, file, file.bytes, options);
      }
      const buffer = await this.cache.readFile(modelId, file.sha256);
      const { ok, actual } = await matchesManifest(file, buffer);
      if (ok) return new Uint8Array(buffer);
      console.warn(`[engine] cached ${file.path} is corrupted (sha256 ${actual}); deleting and downloading it again`);
      await this.cache.deleteFile(modelId, file.sha256);
    }
    throw new Error(`Integrity check failed for ${file.path}: the file was corrupted twice after download`);
  }

  /**
   * The verified bytes of a small informational file (the model's evaluation) without adding it to the cache: the
   * cached copy when the model was downloaded, otherwise fetched and checked. Looking at a model must not start
   * storing it before the user chose to download it.
   */
  async readUncached(modelId: string, file: ModelFile): Promise<Uint8Array> {
    if (await this.cache.isCached(modelId, file.sha256)) return this.read(modelId, file);
    const fetchImpl = this.deps.fetchImpl ?? fetch;
    let response: Response;
    try {
      response = await fetchImpl(file.url, { cache: 'no-cache' });
    } catch (e) {
      throw new Error(`Could not fetch ${file.path} (${e instanceof Error ? e.message : String(e)}). Download the model to read it offline.`);
    }
    if (!response.ok) throw new Error(`Could not fetch ${file.path}: HTTP ${response.status}`);
    const bytes = new Uint8Array(await response.arrayBuffer());
    const { ok, actual } = await matchesManifest(file, bytes);
    if (!ok) {
      throw new Error(`${file.path} does not match the manifest (${bytes.byteLength} bytes, sha256 ${actual.slice(0, 12)}…; expected ${file.bytes} bytes, ${file.sha256.slice(0, 12)}…)`);
    }
    return bytes;
  }

  async evict(modelId: string): Promise<void> {
    this.refuseWhileDownloading(modelId);
    await this.cache.deleteModel(modelId);
  }

  /** Removing files while they download would leave the download nothing to verify: say so instead. */
  private refuseWhileDownloading(modelId: string): void {
    if ([...this.inFlight.keys()].some((key) => key.startsWith(`${modelId}/`))) {
      throw new Error(`${modelId} is downloading; wait for the download to finish (or cancel the generation that needs it), then remove it.`);
    }
  }

  /** Deletes some files of a model (records first, then chunks, one file after the other). */
  async evictFiles(modelId: string, sha256s: readonly string[]): Promise<void> {
    this.refuseWhileDownloading(modelId);
    for (const sha256 of sha256s) await this.cache.deleteFile(modelId, sha256);
  }
}

/** `promise`, or an AbortError as soon as `signal` aborts (the promise itself goes on). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError());
    if (signal.aborted) {
      onAbort();
      return;
    }
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
