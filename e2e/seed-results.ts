/** Writes result records straight into the studio's IndexedDB history store, as finished jobs would. */
import type { Page } from '@playwright/test';

export interface SeedRow {
  readonly id: string;
  readonly createdAt: string;
  readonly directionId: string;
  readonly seed: number;
  readonly report?: string;
  /** Adds a 64x64 frontal image whose rows step by this much (different slopes give visibly different images). */
  readonly frontalSlope?: number;
  /** Fields written as given over the usual ones (damaged records for the robustness tests). */
  readonly override?: Readonly<Record<string, unknown>>;
  /** Fields left out of the record. */
  readonly omit?: readonly string[];
}

export async function seedResults(page: Page, rows: readonly SeedRow[]): Promise<void> {
  await page.evaluate(async (records) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open('medcodi-results');
      open.onupgradeneeded = () => open.result.createObjectStore('results');
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    const tx = db.transaction('results', 'readwrite');
    const size = 64;
    for (const row of records) {
      const slope = row.frontalSlope;
      const frontal =
        slope === undefined
          ? undefined
          : { width: size, height: size, pixels: Uint8ClampedArray.from({ length: size * size }, (_, i) => (Math.floor(i / size) * slope + (i % size) * 3) % 256) };
      const record: Record<string, unknown> = {
          recordVersion: 1,
          id: row.id,
          createdAt: row.createdAt,
          modelId: 'medcodi-nano',
          modelVersion: '0.1.0',
          variant: 'fp32',
          backend: 'wasm',
          directionId: row.directionId,
          settings: { steps: 8, guidanceScale: 7.5, seed: row.seed, sampler: 'ddim', eta: 1, previewEvery: 0, temperature: 1, topP: 1, maxTokens: 50 },
          inputs: [],
          inputNames: {},
          outputs: { ...(frontal ? { frontal } : {}), ...(row.report !== undefined ? { report: row.report } : {}) },
          timings: { totalMs: 1234, sessionRunMs: 1000, stepsRun: 8 },
          synthetic: true,
          ...row.override,
      };
      for (const field of row.omit ?? []) delete record[field];
      tx.objectStore('results').put(record, row.id);
    }
    await new Promise((resolve, reject) => {
      tx.oncomplete = resolve;
      tx.onerror = () => reject(tx.error);
    });
    db.close();
  }, rows);
}

/** Every record in the studio's IndexedDB history store, as stored (typed loosely by the caller). */
export async function readResults<T>(page: Page): Promise<T[]> {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open('medcodi-results');
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    const all = await new Promise<unknown[]>((resolve, reject) => {
      const request = db.transaction('results').objectStore('results').getAll();
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    db.close();
    return all;
  }) as Promise<T[]>;
}
