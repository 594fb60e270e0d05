import 'fake-indexeddb/auto';
import { createStore, type UseStore } from 'idb-keyval';
import { describe, expect, it } from 'vitest';
import type { ResultRecord } from '../domain/result-record';
import { ResultsStorageError, createResultsDb, isQuotaError } from './results-db';

let dbCounter = 0;
function freshStore(): UseStore {
  dbCounter += 1;
  return createStore(`results-test-${dbCounter}`, 'results');
}

function record(id: string, createdAt: string): ResultRecord {
  return {
    recordVersion: 1,
    id,
    createdAt,
    modelId: 'medcodi-nano',
    modelVersion: '0.1.0',
    variant: 'fp32',
    backend: 'wasm',
    directionId: 'T>F',
    settings: { steps: 4, guidanceScale: 7.5, seed: 1, sampler: 'ddim', eta: 1, previewEvery: 0, temperature: 1, topP: 1, maxTokens: 10 },
    inputs: [{ modality: 'report', weight: 1, sha256: '0'.repeat(64) }],
    inputNames: {},
    outputs: { frontal: { width: 2, height: 1, pixels: new Uint8ClampedArray([3, 250]) } },
    timings: { totalMs: 10, sessionRunMs: 5, stepsRun: 4 },
    synthetic: true,
  };
}

describe('results db', () => {
  it('saves, lists newest first, reads back pixels, deletes one and clears all', async () => {
    const db = createResultsDb(freshStore());
    await db.save(record('a', '2026-11-27T10:00:00Z'));
    await db.save(record('b', '2026-11-27T12:00:00Z'));
    await db.save(record('c', '2026-11-27T11:00:00Z'));
    expect((await db.list()).map((r) => r.id)).toEqual(['b', 'c', 'a']);
    const b = await db.get('b');
    expect(Array.from(b?.outputs.frontal?.pixels ?? [])).toEqual([3, 250]);
    await db.remove('c');
    expect((await db.list()).map((r) => r.id)).toEqual(['b', 'a']);
    expect(await db.get('c')).toBeUndefined();
    await db.clearAll();
    expect(await db.list()).toEqual([]);
  });

  it('survives a "reload": a second db over the same IndexedDB store sees the records', async () => {
    const name = `results-reload-${Date.now()}`;
    await createResultsDb(createStore(name, 'results')).save(record('keep', '2026-11-27T10:00:00Z'));
    const reopened = createResultsDb(createStore(name, 'results'));
    expect((await reopened.list()).map((r) => r.id)).toEqual(['keep']);
  });

  it('skips entries that are not result records', async () => {
    const store = freshStore();
    const db = createResultsDb(store);
    await db.save(record('ok', '2026-11-27T10:00:00Z'));
    const { set } = await import('idb-keyval');
    await set('junk', { hello: 'world' }, store);
    await set('future', { ...record('future', '2026-11-28T00:00:00Z'), recordVersion: 99 }, store);
    expect((await db.list()).map((r) => r.id)).toEqual(['ok']);
    expect(await db.get('junk')).toBeUndefined();
    // ids() still names them: an import must not write over a record it cannot read.
    expect((await db.ids()).sort()).toEqual(['future', 'junk', 'ok']);
  });

  it('keeps a result whose stored source case is damaged, without that part', async () => {
    const store = freshStore();
    const db = createResultsDb(store);
    const good = { id: 'phantom-03', title: 'Phantom case 4', labels: { pleural_effusion: 1 as const, cardiomegaly: 0 as const } };
    await db.save({ ...record('kept', '2026-11-27T10:00:00Z'), sourceCase: good });
    const { set } = await import('idb-keyval');
    const damaged = [['no-labels', { id: 'x' }], ['bad-value', { id: 'x', labels: { a: 2 } }], ['not-object', 'phantom-03']] as const;
    for (const [k, [id, sourceCase]] of damaged.entries()) {
      await set(id, { ...record(id, `2026-11-27T0${8 - k}:00:00Z`), sourceCase }, store);
    }
    const listed = await db.list();
    expect(listed.map((r) => [r.id, r.sourceCase ?? null])).toEqual([
      ['kept', good],
      ['no-labels', null],
      ['bad-value', null],
      ['not-object', null],
    ]);
    expect((await db.get('bad-value'))?.outputs.frontal?.width).toBe(2);
    expect('sourceCase' in ((await db.get('no-labels')) ?? {})).toBe(false);
  });

  it('turns a full disk into a clear message and loses nothing already saved', async () => {
    const real = freshStore();
    const db = createResultsDb(real);
    await db.save(record('old', '2026-11-27T10:00:00Z'));
    const full: UseStore = (mode, callback) =>
      mode === 'readwrite' ? Promise.reject(new DOMException('quota', 'QuotaExceededError')) : real(mode, callback);
    const fullDb = createResultsDb(full);
    const failure = await fullDb.save(record('new', '2026-11-27T11:00:00Z')).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ResultsStorageError);
    expect((failure as ResultsStorageError).kind).toBe('quota');
    expect((failure as Error).message).toMatch(/storage for this site is full.*Nothing already saved was lost/);
    expect((await fullDb.list()).map((r) => r.id)).toEqual(['old']);
  });

  it('explains unavailable storage and other failures', async () => {
    const broken: UseStore = () => Promise.reject(new DOMException('nope', 'InvalidStateError'));
    const error = await createResultsDb(broken).list().catch((e: unknown) => e);
    expect((error as ResultsStorageError).kind).toBe('unavailable');
    const odd: UseStore = () => Promise.reject(new Error('disk on fire'));
    await expect(createResultsDb(odd).remove('x')).rejects.toThrow('The result was not deleted: disk on fire');
  });

  it('recognises quota errors by name, including wrapped ones', () => {
    expect(isQuotaError(new DOMException('x', 'QuotaExceededError'))).toBe(true);
    expect(isQuotaError({ name: 'AbortError', inner: { name: 'QuotaExceededError' } })).toBe(true);
    expect(isQuotaError(new Error('QuotaExceededError'))).toBe(false);
    expect(isQuotaError(null)).toBe(false);
  });
});
