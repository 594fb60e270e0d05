import 'fake-indexeddb/auto';
import { createStore, get, keys, set } from 'idb-keyval';
import { describe, expect, it } from 'vitest';
import { FileCache, chunkKey, recordKey } from './file-cache';
import type { FileRecord } from './file-cache';
import { downloadFile } from './download';
import { ModelStore } from './model-store';
import type { ModelFile } from './model-registry';
import { sha256Hex } from './sha256';
import { createFakeServer, testBytes } from '../testing/fake-server';

let dbCount = 0;
function freshStore() {
  dbCount += 1;
  return createStore(`test-files-${dbCount}-${Math.random()}`, 'files');
}

async function fileFor(path: string, data: Uint8Array): Promise<ModelFile> {
  return { path, bytes: data.length, sha256: await sha256Hex(data), kind: 'component', owner: path, url: `https://models.test/m/${path}` };
}

const MODEL = 'medcodi-nano';
const noEstimate = async () => null;

describe('FileCache chunking and record-last', () => {
  it('stores ≤ chunkBytes Blobs keyed model/sha/index and writes the record after every chunk', async () => {
    const store = freshStore();
    const data = testBytes(10_500);
    const file = await fileFor('unet.onnx', data);
    const { fetchImpl } = createFakeServer(new Map([[file.url, data]]));
    const order: string[] = [];
    class SpyCache extends FileCache {
      override async putChunk(m: string, s: string, i: number, b: Blob): Promise<void> {
        order.push(`chunk${i}`);
        await super.putChunk(m, s, i, b);
      }
      override async writeRecord(m: string, r: FileRecord): Promise<void> {
        // Every chunk must already be there when the record is written.
        for (let i = 0; i < r.chunks; i++) expect(await get(chunkKey(m, r.sha256, i), store)).toBeInstanceOf(Blob);
        order.push('record');
        await super.writeRecord(m, r);
      }
    }
    const cache = new SpyCache(store, 1024);
    await downloadFile({ modelId: MODEL, file, url: file.url, cache, fetchImpl, estimate: noEstimate });
    expect(order).toEqual([...Array.from({ length: 11 }, (_, i) => `chunk${i}`), 'record']);
    const record = (await get(recordKey(MODEL, file.sha256), store)) as FileRecord;
    expect(record).toMatchObject({ bytes: 10_500, sha256: file.sha256, chunks: 11 });
    expect(typeof record.verifiedAt).toBe('string');
    const sizes = await Promise.all(Array.from({ length: 11 }, async (_, i) => ((await get(chunkKey(MODEL, file.sha256, i), store)) as Blob).size));
    expect(sizes.slice(0, 10).every((s) => s === 1024)).toBe(true);
    expect(sizes[10]).toBe(10_500 - 10 * 1024);
    expect(await cache.isCached(MODEL, file.sha256)).toBe(true);
    expect(new Uint8Array(await cache.readFile(MODEL, file.sha256))).toEqual(data);
  });

  it('does not count a file with a missing chunk or without a record as cached', async () => {
    const store = freshStore();
    const cache = new FileCache(store, 1024);
    const sha = 'f'.repeat(64);
    await cache.putChunk(MODEL, sha, 0, new Blob([new Uint8Array(1024)]));
    await cache.putChunk(MODEL, sha, 1, new Blob([new Uint8Array(10)]));
    expect(await cache.isCached(MODEL, sha)).toBe(false); // chunks, no record
    await set(recordKey(MODEL, sha), { bytes: 1034, sha256: sha, chunks: 3, verifiedAt: 'x' }, store);
    expect(await cache.isCached(MODEL, sha)).toBe(false); // record names a chunk that is absent
    expect((await cache.cachedSet(MODEL, [sha])).size).toBe(0);
    await cache.putChunk(MODEL, sha, 2, new Blob([new Uint8Array(1)]));
    expect(await cache.isCached(MODEL, sha)).toBe(true);
    await cache.deleteFile(MODEL, sha);
    expect(await keys(store)).toEqual([]);
  });
});

describe('downloadFile', () => {
  it('resumes an interrupted download with Range from the last complete chunk and verifies the whole file', async () => {
    const store = freshStore();
    const cache = new FileCache(store, 1000);
    const data = testBytes(5_432, 7);
    const file = await fileFor('vae_decoder.onnx', data);
    const server = createFakeServer(new Map([[file.url, data]]), { cutAfter: new Map([[file.url, 2_750]]) });
    const events: number[] = [];
    await expect(
      downloadFile({ modelId: MODEL, file, url: file.url, cache, fetchImpl: server.fetchImpl, estimate: noEstimate, onProgress: (p) => events.push(p.loaded), progressIntervalMs: 0 }),
    ).rejects.toThrow(/connection reset/);
    expect(await cache.isCached(MODEL, file.sha256)).toBe(false);
    expect((await cache.storedChunks(MODEL, file.sha256)).length).toBe(2); // 2 full chunks persisted, partial 3rd dropped
    expect(events[0]).toBe(0);

    const resumed: number[] = [];
    await downloadFile({ modelId: MODEL, file, url: file.url, cache, fetchImpl: server.fetchImpl, estimate: noEstimate, onProgress: (p) => resumed.push(p.loaded) });
    expect(server.requests.map((r) => r.range)).toEqual([null, 'bytes=2000-']);
    expect(resumed[0]).toBe(2000);
    expect(resumed.at(-1)).toBe(5_432);
    const back = new Uint8Array(await cache.readFile(MODEL, file.sha256));
    expect(await sha256Hex(back)).toBe(file.sha256);
    expect(back).toEqual(data);
  });

  it("refuses, clearly and once, a server file whose size is not the manifest's, on a first or a resumed download", async () => {
    const data = testBytes(3_500, 3);
    const real = await fileFor('short.onnx', data);
    const file = { ...real, bytes: 5_000 }; // the manifest says 5,000 bytes; the server has 3,500
    const message = "The server's short.onnx is 3500 bytes, but the manifest says 5000: the model files on the server do not match its manifest.";
    const cache = new FileCache(freshStore(), 1000);
    const server = createFakeServer(new Map([[file.url, data]]));
    await expect(downloadFile({ modelId: MODEL, file, url: file.url, cache, fetchImpl: server.fetchImpl, estimate: noEstimate })).rejects.toThrow(message);
    // a partial copy from an earlier attempt: the 206's Content-Range total says the same
    await cache.putChunk(MODEL, file.sha256, 0, new Blob([data.slice(0, 1000)]));
    await expect(downloadFile({ modelId: MODEL, file, url: file.url, cache, fetchImpl: server.fetchImpl, estimate: noEstimate })).rejects.toThrow(message);
    expect(server.requests.map((r) => r.range)).toEqual([null, 'bytes=1000-']);
    expect(await cache.storedChunks(MODEL, file.sha256)).toEqual([]);
  });

  it('says the server could not be reached, in words, when fetch itself fails', async () => {
    const data = testBytes(2_000, 4);
    const file = await fileFor('offline.onnx', data);
    const fetchImpl = (async () => {
      throw new TypeError('Failed to fetch');
    }) as typeof fetch;
    await expect(downloadFile({ modelId: MODEL, file, url: file.url, cache: new FileCache(freshStore(), 1000), fetchImpl, estimate: noEstimate })).rejects.toThrow(
      'Could not reach the server for offline.onnx (Failed to fetch). Check the connection and try again.',
    );
  });

  it('says so when the parts already stored vanish during the download (the model removed meanwhile)', async () => {
    const store = freshStore();
    const data = testBytes(4_500, 5);
    const file = await fileFor('removed.onnx', data);
    class RemovedMidway extends FileCache {
      override async putChunk(m: string, s: string, i: number, b: Blob): Promise<void> {
        await super.putChunk(m, s, i, b);
        if (i === 2) await this.deleteModel(m); // "Remove" in another tab
      }
    }
    const cache = new RemovedMidway(store, 1000);
    const server = createFakeServer(new Map([[file.url, data]]));
    await expect(downloadFile({ modelId: MODEL, file, url: file.url, cache, fetchImpl: server.fetchImpl, estimate: noEstimate })).rejects.toThrow(
      'The downloaded parts of removed.onnx were removed while it was downloading (the model was removed, here or in another tab). Download it again.',
    );
    expect(await cache.isCached(MODEL, file.sha256)).toBe(false);
    expect(await keys(store)).toEqual([]);
  });

  it('handles a server that ignores Range (200) by skipping the bytes it already has', async () => {
    const cache = new FileCache(freshStore(), 1000);
    const data = testBytes(3_333, 3);
    const file = await fileFor('clip_text.onnx', data);
    const server = createFakeServer(new Map([[file.url, data]]), { cutAfter: new Map([[file.url, 1_500]]), ignoreRange: true });
    await expect(downloadFile({ modelId: MODEL, file, url: file.url, cache, fetchImpl: server.fetchImpl, estimate: noEstimate })).rejects.toThrow();
    await downloadFile({ modelId: MODEL, file, url: file.url, cache, fetchImpl: server.fetchImpl, estimate: noEstimate });
    expect(server.requests[1]?.range).toBe('bytes=1000-');
    expect(new Uint8Array(await cache.readFile(MODEL, file.sha256))).toEqual(data);
  });

  it('rejects a file whose sha256 does not match and deletes its chunks', async () => {
    const store = freshStore();
    const cache = new FileCache(store, 1000);
    const data = testBytes(2_500);
    const file = { ...(await fileFor('bad.onnx', data)), sha256: 'a'.repeat(64) };
    const server = createFakeServer(new Map([[file.url, data]]));
    const actual = await sha256Hex(data);
    await expect(downloadFile({ modelId: MODEL, file, url: file.url, cache, fetchImpl: server.fetchImpl, estimate: noEstimate })).rejects.toThrow(
      `Integrity check failed for bad.onnx: expected ${'a'.repeat(64)}, got ${actual}`,
    );
    expect(await keys(store)).toEqual([]);
  });

  it('stops on abort but keeps the complete chunks for a later resume', async () => {
    const cache = new FileCache(freshStore(), 1000);
    const data = testBytes(4_000);
    const file = await fileFor('unet_text.onnx', data);
    const server = createFakeServer(new Map([[file.url, data]]), { pieceBytes: 500 });
    const controller = new AbortController();
    await expect(
      downloadFile({
        modelId: MODEL, file, url: file.url, cache, fetchImpl: server.fetchImpl, estimate: noEstimate, signal: controller.signal, progressIntervalMs: 0,
        onProgress: (p) => { if (p.loaded >= 2_500) controller.abort(); },
      }),
    ).rejects.toMatchObject({ name: 'AbortError' });
    expect((await cache.storedChunks(MODEL, file.sha256)).length).toBe(2);
    await downloadFile({ modelId: MODEL, file, url: file.url, cache, fetchImpl: server.fetchImpl, estimate: noEstimate });
    expect(server.requests.at(-1)?.range).toBe('bytes=2000-');
    expect(await cache.isCached(MODEL, file.sha256)).toBe(true);
  });

  it('maps QuotaExceededError to a clear message and leaves earlier files untouched', async () => {
    const store = freshStore();
    const first = testBytes(2_100, 11);
    const second = testBytes(3 * 1024 * 1024, 12);
    const f1 = await fileFor('first.onnx', first);
    const f2 = await fileFor('second.onnx', second);
    const server = createFakeServer(new Map([[f1.url, first], [f2.url, second]]), { pieceBytes: 64 * 1024 });
    let allowWrites = true;
    class FullCache extends FileCache {
      override async putChunk(m: string, s: string, i: number, b: Blob): Promise<void> {
        if (!allowWrites && i >= 1) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
        await super.putChunk(m, s, i, b);
      }
    }
    const cache = new FullCache(store, 1024 * 1024);
    const modelStore = new ModelStore(cache, { fetchImpl: server.fetchImpl, estimate: async () => ({ usage: 99 * 1024 * 1024, quota: 100 * 1024 * 1024 }) });
    await modelStore.ensure(MODEL, [f1]);
    const recordBefore = await get(recordKey(MODEL, f1.sha256), store);
    allowWrites = false;
    await expect(modelStore.ensure(MODEL, [f1, f2])).rejects.toThrow(
      'Not enough storage: needs 3 MB, 1 MB free. Nothing already cached was removed.',
    );
    expect(await get(recordKey(MODEL, f1.sha256), store)).toEqual(recordBefore);
    expect(new Uint8Array(await cache.readFile(MODEL, f1.sha256))).toEqual(first);
    expect((await keys(store)).map(String).filter((k) => k.includes(f2.sha256))).toEqual([]); // partial chunks removed
  });

  it('refuses up front when the estimate says the file cannot fit', async () => {
    const cache = new FileCache(freshStore(), 1024);
    const data = testBytes(5 * 1024 * 1024, 2);
    const file = await fileFor('big.onnx', data);
    const server = createFakeServer(new Map([[file.url, data]]));
    await expect(
      downloadFile({ modelId: MODEL, file, url: file.url, cache, fetchImpl: server.fetchImpl, estimate: async () => ({ usage: 0, quota: 2 * 1024 * 1024 }) }),
    ).rejects.toThrow('Not enough storage: needs 5 MB, 2 MB free. Nothing already cached was removed.');
    expect(server.requests).toEqual([]);
    // Parts from an earlier attempt stay: once there is room, the download goes on from them.
    await cache.putChunk(MODEL, file.sha256, 0, new Blob([data.slice(0, 1024)]));
    await expect(
      downloadFile({ modelId: MODEL, file, url: file.url, cache, fetchImpl: server.fetchImpl, estimate: async () => ({ usage: 0, quota: 2 * 1024 * 1024 }) }),
    ).rejects.toThrow('Not enough storage');
    expect(await cache.storedChunks(MODEL, file.sha256)).toHaveLength(1);
    await downloadFile({ modelId: MODEL, file, url: file.url, cache, fetchImpl: server.fetchImpl, estimate: async () => null });
    expect(server.requests.map((r) => r.range)).toEqual(['bytes=1024-']);
    expect(await cache.isCached(MODEL, file.sha256)).toBe(true);
  });
});

describe('ModelStore.read', () => {
  it('detects a corrupted cached file, deletes it and downloads it again', async () => {
    const store = freshStore();
    const cache = new FileCache(store, 1000);
    const data = testBytes(2_345, 5);
    const file = await fileFor('gpt2_step.onnx', data);
    const server = createFakeServer(new Map([[file.url, data]]));
    const modelStore = new ModelStore(cache, { fetchImpl: server.fetchImpl, estimate: noEstimate });
    expect(await modelStore.read(MODEL, file)).toEqual(data);
    expect(server.requests.length).toBe(1);
    // Flip bytes inside chunk 1 (same size, so only the hash can tell).
    const corrupt = testBytes(1000, 99);
    await set(chunkKey(MODEL, file.sha256, 1), new Blob([corrupt]), store);
    expect(await cache.isCached(MODEL, file.sha256)).toBe(true);
    const warn = console.warn;
    console.warn = () => undefined;
    try {
      expect(await modelStore.read(MODEL, file)).toEqual(data);
    } finally {
      console.warn = warn;
    }
    expect(server.requests.length).toBe(2);
    expect(server.requests[1]?.range).toBeNull();
  });

  it('a cancelled job stops waiting for a download another caller started; removing the model meanwhile is refused', async () => {
    const cache = new FileCache(freshStore(), 1000);
    const data = testBytes(3_000, 6);
    const file = await fileFor('slow.onnx', data);
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const server = createFakeServer(new Map([[file.url, data]]));
    // The server answers only when released, as a large file would take minutes.
    const slowFetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
      await gate;
      return server.fetchImpl(input, init);
    }) as typeof fetch;
    const modelStore = new ModelStore(cache, { fetchImpl: slowFetch, estimate: noEstimate });
    const offline = modelStore.ensure(MODEL, [file]); // "Download for offline use"
    const job = new AbortController();
    const waiting = modelStore.ensure(MODEL, [file], { signal: job.signal });
    await new Promise((r) => setTimeout(r, 5));
    job.abort();
    await expect(waiting).rejects.toMatchObject({ name: 'AbortError' });
    await expect(modelStore.evict(MODEL)).rejects.toThrow('medcodi-nano is downloading; wait for the download to finish (or cancel the generation that needs it), then remove it.');
    release();
    await offline;
    expect(await cache.isCached(MODEL, file.sha256)).toBe(true);
    await modelStore.evict(MODEL);
    expect(await cache.isCached(MODEL, file.sha256)).toBe(false);
  });

  it('reports cache status per file', async () => {
    const cache = new FileCache(freshStore(), 1000);
    const a = testBytes(1500, 1);
    const b = testBytes(700, 2);
    const fa = await fileFor('a.onnx', a);
    const fb = await fileFor('b.json', b);
    const server = createFakeServer(new Map([[fa.url, a], [fb.url, b]]));
    const modelStore = new ModelStore(cache, { fetchImpl: server.fetchImpl, estimate: noEstimate });
    await modelStore.ensure(MODEL, [fa]);
    const status = await modelStore.status(MODEL, 'fp32', [fa, fb]);
    expect(status).toEqual({
      modelId: MODEL, variant: 'fp32', totalBytes: 2200, cachedBytes: 1500, complete: false,
      files: [{ path: 'a.onnx', bytes: 1500, cached: true }, { path: 'b.json', bytes: 700, cached: false }],
    });
  });
});

describe('ModelStore.readUncached (small informational files looked at before the model is downloaded)', () => {
  it('returns the verified bytes without storing them; once the file is cached it reads the cache', async () => {
    const cache = new FileCache(freshStore());
    const data = new TextEncoder().encode('{"model":"m","rows":[]}');
    const file = await fileFor('evaluation.json', data);
    const server = createFakeServer(new Map([[file.url, data]]));
    const store = new ModelStore(cache, { fetchImpl: server.fetchImpl, estimate: noEstimate });
    expect(await store.readUncached(MODEL, file)).toEqual(data);
    expect(await cache.isCached(MODEL, file.sha256)).toBe(false);
    await store.ensure(MODEL, [file]);
    const fetchesBefore = server.requests.length;
    expect(await store.readUncached(MODEL, file)).toEqual(data);
    expect(server.requests.length).toBe(fetchesBefore);
  });

  it('refuses bytes that do not match the manifest, and says how to read it offline when the fetch fails', async () => {
    const cache = new FileCache(freshStore());
    const data = new TextEncoder().encode('{"model":"m"}');
    const file = await fileFor('evaluation.json', data);
    const tampered = createFakeServer(new Map([[file.url, new TextEncoder().encode('{"model":"x"}')]]));
    await expect(new ModelStore(cache, { fetchImpl: tampered.fetchImpl, estimate: noEstimate }).readUncached(MODEL, file)).rejects.toThrow(
      /evaluation\.json does not match the manifest \(13 bytes, sha256 [0-9a-f]{12}…; expected 13 bytes/,
    );
    const offline = (async () => {
      throw new TypeError('Failed to fetch');
    }) as unknown as typeof fetch;
    await expect(new ModelStore(cache, { fetchImpl: offline, estimate: noEstimate }).readUncached(MODEL, file)).rejects.toThrow(
      'Could not fetch evaluation.json (Failed to fetch). Download the model to read it offline.',
    );
    const missing = createFakeServer(new Map());
    await expect(new ModelStore(cache, { fetchImpl: missing.fetchImpl, estimate: noEstimate }).readUncached(MODEL, file)).rejects.toThrow('Could not fetch evaluation.json: HTTP 404');
  });
});
