/**
 * @file Streaming, resumable, verified download of one model file into the FileCache.
 *
 * - Bytes stream in and are cut into chunks that are stored as soon as they are complete, so an interrupted
 *   download keeps everything up to the last full chunk. The next attempt asks for the rest with
 *   `Range: bytes=N-` (a server that ignores Range and sends 200 is handled by skipping N bytes).
 * - When all bytes are in, the whole file is hashed (SubtleCrypto is one-shot) and compared with the manifest.
 *   Mismatch → chunks deleted, `Integrity check failed for <path>: expected …, got …`.
 * - Only then is the record written (see file-cache.ts: record last).
 * - QuotaExceededError → this file's partial chunks are deleted and a StorageQuotaError explains how much is
 *   needed and free. Records and chunks of other files are never touched.
 */
import type { ManifestFile } from '../../src/contracts/manifest-schema';
import type { FileCache } from './file-cache';
import { matchesManifest } from './sha256';
import type { StorageEstimator } from './storage';
import { StorageQuotaError, estimateStorage, isQuotaError } from './storage';
import { throwIfAborted } from '../job-abort';

export interface DownloadProgress {
  readonly path: string;
  /** Bytes of this file present so far (including chunks from an earlier attempt). */
  readonly loaded: number;
  readonly total: number;
}

export interface DownloadOptions {
  readonly modelId: string;
  readonly file: ManifestFile;
  readonly url: string;
  readonly cache: FileCache;
  readonly signal?: AbortSignal | undefined;
  readonly onProgress?: ((p: DownloadProgress) => void) | undefined;
  readonly fetchImpl?: typeof fetch | undefined;
  readonly estimate?: StorageEstimator | undefined;
  /** Bytes the whole operation still needs (for the quota message); defaults to what this file still needs. */
  readonly neededBytes?: number | undefined;
  /** Minimum milliseconds between progress callbacks (the first and last are always sent). */
  readonly progressIntervalMs?: number | undefined;
}

/** Downloads `file` into the cache unless it is cached already. Resolves when its verified record is written. */
export async function downloadFile(options: DownloadOptions): Promise<void> {
  const { modelId, file, cache, signal } = options;
  const fetchImpl = options.fetchImpl ?? fetch;
  if (await cache.isCached(modelId, file.sha256)) return;
  throwIfAborted(signal);

  let stored = await cache.storedChunks(modelId, file.sha256);
  let offset = stored.reduce((n, b) => n + b.size, 0);
  if (offset > file.bytes || stored.slice(0, -1).some((b) => b.size !== cache.chunkBytes)) {
    await cache.deleteChunks(modelId, file.sha256); // leftovers that cannot belong to this file
    stored = [];
    offset = 0;
  }

  const progressEvery = options.progressIntervalMs ?? 100;
  let lastProgress = -Infinity;
  const progress = (loaded: number, force = false): void => {
    const now = Date.now();
    if (!force && now - lastProgress < progressEvery) return;
    lastProgress = now;
    options.onProgress?.({ path: file.path, loaded, total: file.bytes });
  };
  progress(offset, true);

  const failQuota = async (): Promise<never> => {
    await cache.deleteChunks(modelId, file.sha256).catch(() => undefined);
    const estimate = await (options.estimate ?? estimateStorage)();
    const free = estimate ? Math.max(0, estimate.quota - estimate.usage) : null;
    throw new StorageQuotaError(options.neededBytes ?? file.bytes, free);
  };

  // Pre-check: refuse early when the browser already says it cannot fit, keeping the parts already stored (once
  // there is room, the download goes on from them).
  const estimate = await (options.estimate ?? estimateStorage)();
  if (estimate && estimate.quota - estimate.usage < file.bytes - offset) {
    throw new StorageQuotaError(options.neededBytes ?? file.bytes - offset, Math.max(0, estimate.quota - estimate.usage));
  }

  let index = stored.length;
  if (offset < file.bytes) {
    const headers: Record<string, string> = offset > 0 ? { Range: `bytes=${offset}-` } : {};
    let response: Response;
    try {
      response = await fetchImpl(options.url, { headers, signal: signal ?? null, cache: 'no-store' });
    } catch (e) {
      throwIfAborted(signal);
      throw new Error(`Could not reach the server for ${file.path} (${errorText(e)}). Check the connection and try again${offset > 0 ? '; the download goes on from where it stopped' : ''}.`);
    }
    let skip = 0;
    if (offset > 0 && response.status === 200) skip = offset; // server ignored Range: drop what we have
    else if (offset > 0 && response.status === 416) {
      await cache.deleteChunks(modelId, file.sha256);
      throw new Error(`Download of ${file.path} could not resume (HTTP 416); it will start again from the beginning.`);
    } else if (!response.ok) {
      throw new Error(`Download of ${file.path} failed: HTTP ${response.status} ${response.statusText}`.trim());
    } else if (offset > 0 && response.status === 206) {
      const range = response.headers.get('Content-Range');
      const start = range ? Number(/bytes\s+(\d+)-/.exec(range)?.[1]) : offset;
      if (start !== offset) throw new Error(`Download of ${file.path}: server resumed at byte ${start}, expected ${offset}`);
    }
    // The server's file must be the manifest's: a shorter one would stop short on every attempt, forever.
    const serverBytes = serverFileBytes(response, offset, skip);
    if (serverBytes !== null && serverBytes !== file.bytes) {
      await cache.deleteChunks(modelId, file.sha256);
      throw new Error(`The server's ${file.path} is ${serverBytes} bytes, but the manifest says ${file.bytes}: the model files on the server do not match its manifest.`);
    }
    if (!response.body) throw new Error(`Download of ${file.path} failed: empty response body`);

    const reader = response.body.getReader();
    const pending = new Uint8Array(cache.chunkBytes);
    let fill = 0;
    let loaded = offset;
    const flush = async (): Promise<void> => {
      if (fill === 0) return;
      try {
        await cache.putChunk(modelId, file.sha256, index, new Blob([pending.slice(0, fill)]));
      } catch (e) {
        if (isQuotaError(e)) await failQuota();
        throw e;
      }
      index += 1;
      fill = 0;
    };
    try {
      for (;;) {
        throwIfAborted(signal);
        let chunk: ReadableStreamReadResult<Uint8Array>;
        try {
          chunk = await reader.read();
        } catch (e) {
          throwIfAborted(signal);
          throw new Error(`Download of ${file.path} was interrupted at ${loaded} of ${file.bytes} bytes (${errorText(e)}); try again and it goes on from the last complete chunk.`);
        }
        const { done, value } = chunk;
        if (done) break;
        let bytes = value;
        if (skip > 0) {
          const drop = Math.min(skip, bytes.length);
          skip -= drop;
          bytes = bytes.subarray(drop);
        }
        if (loaded + bytes.length > file.bytes) {
          await cache.deleteChunks(modelId, file.sha256);
          throw new Error(`Integrity check failed for ${file.path}: expected ${file.bytes} bytes, the server sent more`);
        }
        let pos = 0;
        while (pos < bytes.length) {
          const n = Math.min(bytes.length - pos, cache.chunkBytes - fill);
          pending.set(bytes.subarray(pos, pos + n), fill);
          fill += n;
          pos += n;
          loaded += n;
          if (fill === cache.chunkBytes) await flush();
        }
        progress(loaded);
      }
    } catch (e) {
      await reader.cancel().catch(() => undefined);
      throw e;
    } finally {
      reader.releaseLock();
    }
    throwIfAborted(signal);
    if (loaded < file.bytes) {
      throw new Error(
        `Download of ${file.path} stopped at ${loaded} of ${file.bytes} bytes; it will resume from the last complete chunk.`,
      );
    }
    await flush(); // the short last chunk
    progress(loaded, true);
  }

  // Verify the whole file before it may count as cached.
  const chunks = await cache.storedChunks(modelId, file.sha256);
  if (chunks.reduce((n, b) => n + b.size, 0) !== file.bytes) {
    // Its stored parts went while it downloaded: the model was removed (here or in another tab).
    await cache.deleteChunks(modelId, file.sha256);
    throw new Error(`The downloaded parts of ${file.path} were removed while it was downloading (the model was removed, here or in another tab). Download it again.`);
  }
  const buffer = await new Blob(chunks).arrayBuffer();
  const { ok, actual } = await matchesManifest(file, buffer);
  if (!ok) {
    await cache.deleteChunks(modelId, file.sha256);
    throw new Error(`Integrity check failed for ${file.path}: expected ${file.sha256}, got ${actual}`);
  }
  try {
    await cache.writeRecord(modelId, {
      bytes: file.bytes,
      sha256: file.sha256,
      chunks: chunks.length,
      verifiedAt: new Date().toISOString(),
    });
  } catch (e) {
    if (isQuotaError(e)) await failQuota();
    throw e;
  }
}

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * The size of the server's file from the response headers, or null when they do not say: the total of a 206's
 * Content-Range, or a 200's Content-Length (not when the body is content-encoded: then it counts the encoded bytes).
 */
function serverFileBytes(response: Response, offset: number, skip: number): number | null {
  if (response.status === 206) {
    const total = /\/(\d+)\s*$/.exec(response.headers.get('Content-Range') ?? '')?.[1];
    return total === undefined ? null : Number(total);
  }
  const encoding = response.headers.get('Content-Encoding');
  if (encoding && encoding !== 'identity') return null;
  const length = response.headers.get('Content-Length');
  if (length === null || !/^\d+$/.test(length.trim())) return null;
  // A 200 is the whole file, whether it was asked from the start or the server ignored Range (skip = offset).
  return offset === 0 || skip === offset ? Number(length) : null;
}
