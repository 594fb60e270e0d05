/**
 * @file IndexedDB cache of model files (idb-keyval store `medcodi-model-files` / `files`).
 *
 * Layout, per file (content-addressed by the manifest's sha256):
 * - chunks: `${modelId}/${sha256}/${index}` → Blob of ≤ 8 MB (all but the last exactly `chunkBytes`);
 * - record: `${modelId}/${sha256}` → `{bytes, sha256, chunks, verifiedAt}`.
 * A file counts as cached only when its record exists AND every chunk is present. The record is written last
 * (after the whole file was verified) and deleted first, so a crash never leaves a half file counted as cached.
 * Chunks without a record are a partial download that `download.ts` resumes.
 */
import type { UseStore } from 'idb-keyval';
import { createStore, del, delMany, get, getMany, keys, set } from 'idb-keyval';

export const CHUNK_BYTES = 8 * 1024 * 1024;
export const DB_NAME = 'medcodi-model-files';
export const STORE_NAME = 'files';

export interface FileRecord {
  readonly bytes: number;
  readonly sha256: string;
  readonly chunks: number;
  /** ISO time of the last successful sha256 verification. */
  readonly verifiedAt: string;
}

export const recordKey = (modelId: string, sha256: string): string => `${modelId}/${sha256}`;
export const chunkKey = (modelId: string, sha256: string, index: number): string => `${modelId}/${sha256}/${index}`;

function isRecord(value: unknown): value is FileRecord {
  const r = value as FileRecord | undefined;
  return !!r && typeof r.bytes === 'number' && typeof r.sha256 === 'string' && typeof r.chunks === 'number';
}

export class FileCache {
  constructor(
    private readonly store: UseStore = createStore(DB_NAME, STORE_NAME),
    /** Chunk size in bytes (tests use small ones). */
    readonly chunkBytes: number = CHUNK_BYTES,
  ) {
    if (!(chunkBytes > 0) || chunkBytes > CHUNK_BYTES) throw new Error(`chunkBytes must be in (0, ${CHUNK_BYTES}]`);
  }

  async getRecord(modelId: string, sha256: string): Promise<FileRecord | undefined> {
    const value: unknown = await get(recordKey(modelId, sha256), this.store);
    return isRecord(value) ? value : undefined;
  }

  /** True when the record exists and every chunk it names is present. */
  async isCached(modelId: string, sha256: string): Promise<boolean> {
    const record = await this.getRecord(modelId, sha256);
    if (!record) return false;
    const chunkKeys = Array.from({ length: record.chunks }, (_, i) => chunkKey(modelId, sha256, i));
    const chunks = await getMany<unknown>(chunkKeys, this.store);
    return chunks.every((c) => c instanceof Blob);
  }

  /** Which of the given sha256s of a model are cached (one key scan instead of one read per chunk). */
  async cachedSet(modelId: string, sha256s: readonly string[]): Promise<Set<string>> {
    const all = new Set((await keys(this.store)).map(String));
    const out = new Set<string>();
    for (const sha of sha256s) {
      if (!all.has(recordKey(modelId, sha))) continue;
      const record = await this.getRecord(modelId, sha);
      if (!record) continue;
      let complete = true;
      for (let i = 0; i < record.chunks && complete; i++) complete = all.has(chunkKey(modelId, sha, i));
      if (complete) out.add(sha);
    }
    return out;
  }

  async putChunk(modelId: string, sha256: string, index: number, data: Blob): Promise<void> {
    if (data.size > this.chunkBytes) throw new Error(`chunk ${index} is ${data.size} bytes, more than ${this.chunkBytes}`);
    await set(chunkKey(modelId, sha256, index), data, this.store);
  }

  /** The contiguous run of chunks stored from index 0 (a partial or complete download), in order. */
  async storedChunks(modelId: string, sha256: string): Promise<Blob[]> {
    const all = new Set((await keys(this.store)).map(String));
    const out: Blob[] = [];
    for (let i = 0; all.has(chunkKey(modelId, sha256, i)); i++) {
      const blob: unknown = await get(chunkKey(modelId, sha256, i), this.store);
      if (!(blob instanceof Blob)) break;
      out.push(blob);
    }
    return out;
  }

  /** Writes the record: call only after every chunk is stored and the whole file was verified. */
  async writeRecord(modelId: string, record: FileRecord): Promise<void> {
    await set(recordKey(modelId, record.sha256), record, this.store);
  }

  /** Assembles the cached file. Throws if it is not (completely) cached. */
  async readFile(modelId: string, sha256: string): Promise<ArrayBuffer> {
    const record = await this.getRecord(modelId, sha256);
    if (!record) throw new Error(`File ${sha256.slice(0, 12)}… of ${modelId} is not cached`);
    const chunkKeys = Array.from({ length: record.chunks }, (_, i) => chunkKey(modelId, sha256, i));
    const chunks = await getMany<unknown>(chunkKeys, this.store);
    const blobs: Blob[] = [];
    for (const c of chunks) {
      if (!(c instanceof Blob)) throw new Error(`File ${sha256.slice(0, 12)}… of ${modelId} is missing chunks`);
      blobs.push(c);
    }
    return new Blob(blobs).arrayBuffer();
  }

  /** Deletes a file: the record first (so it stops counting as cached), then its chunks. */
  async deleteFile(modelId: string, sha256: string): Promise<void> {
    await del(recordKey(modelId, sha256), this.store);
    await this.deleteChunks(modelId, sha256);
  }

  /** Deletes the chunks of a file that has no record (a partial download). */
  async deleteChunks(modelId: string, sha256: string): Promise<void> {
    const prefix = `${recordKey(modelId, sha256)}/`;
    const chunkKeys = (await keys(this.store)).map(String).filter((k) => k.startsWith(prefix));
    if (chunkKeys.length > 0) await delMany(chunkKeys, this.store);
  }

  /** Deletes every record and chunk of a model (records first). */
  async deleteModel(modelId: string): Promise<void> {
    const all = (await keys(this.store)).map(String).filter((k) => k.startsWith(`${modelId}/`));
    const records = all.filter((k) => k.split('/').length === 2);
    const chunks = all.filter((k) => k.split('/').length === 3);
    if (records.length > 0) await delMany(records, this.store);
    if (chunks.length > 0) await delMany(chunks, this.store);
  }
}
