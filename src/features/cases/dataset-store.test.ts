import 'fake-indexeddb/auto';
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import type { GenerationRequest, JobResult } from '../../contracts/job';
import { verifyZip } from '../../domain/io/export-bundle';
import type { DatasetSpec } from '../../domain/io/dataset-plan';
import { decodePng } from '../../domain/io/png-decode';
import { indexedDbDatasetStorage } from './dataset-db';
import { createDatasetStore, memoryDatasetStorage, type DatasetDeps } from './dataset-store';
import { createStore } from 'idb-keyval';

const LABELS = ['cardiomegaly', 'pleural_effusion'];
const spec: DatasetSpec = { perLabel: { cardiomegaly: 2, pleural_effusion: 1 }, normal: 1, directions: ['T>F', 'T>F+L'], seed: 1, steps: 2, modelId: 'medcodi-nano' };
const img = () => ({ width: 4, height: 4, pixels: new Uint8ClampedArray(16).fill(90) });

function fakeResult(request: GenerationRequest): JobResult {
  const outputs: JobResult['outputs'] = Object.fromEntries(request.outputs.map((m) => [m, m === 'report' ? 'x' : img()]));
  return {
    jobId: request.jobId, modelId: request.modelId, modelVersion: '0.1.0', variant: 'fp32', backend: 'wasm', directionId: 'T>F', settings: request.settings,
    inputs: [{ modality: 'report', weight: 1, sha256: '0'.repeat(64) }], outputs, timings: { totalMs: 1, sessionRunMs: 1, stepsRun: 2 }, createdAt: '2026-11-27T00:00:00Z', synthetic: true,
  };
}

function deps(overrides: Partial<DatasetDeps> = {}): DatasetDeps & { requests: GenerationRequest[] } {
  const requests: GenerationRequest[] = [];
  let id = 0;
  return {
    requests,
    runJob: async (request) => {
      requests.push(request);
      return fakeResult(request);
    },
    // "Cardiomegaly" prompts come out with a big heart; nothing else is ever found.
    classify: async () => ({ labels: LABELS, probs: [requests.at(-1)?.inputs[0]?.modality === 'report' && /cardiomegaly|enlarged/i.test((requests.at(-1)!.inputs[0] as { text: string }).text) ? 0.9 : 0.1, 0.1] }),
    storage: memoryDatasetStorage(),
    newId: () => `ds-${(id += 1)}`,
    now: () => new Date('2026-11-27T12:00:00Z'),
    ...overrides,
  };
}

describe('dataset store', () => {
  it('generates every planned case, checks it and reports how many carry their label', async () => {
    const d = deps();
    const store = createDatasetStore(d);
    await store.getState().start(spec, LABELS);
    const state = store.getState();
    expect(state.status).toBe('done');
    expect(d.requests).toHaveLength(4);
    expect(d.requests.map((r) => r.outputs.join('+'))).toEqual(['frontal', 'frontal+lateral', 'frontal', 'frontal+lateral']);
    expect(state.summary).toEqual([
      { target: 'cardiomegaly', requested: 2, generated: 2, carrying: 2 },
      { target: 'pleural_effusion', requested: 1, generated: 1, carrying: 0 },
      { target: 'normal', requested: 1, generated: 1, carrying: 1 },
    ]);
    const zip = await store.getState().buildZip();
    expect(zip.fileName).toBe('synthetic_dataset_4cases_1_20261127T120000Z.zip');
    const { files, problems } = await verifyZip(zip.bytes);
    expect(problems).toEqual([]);
    expect(Object.keys(files).sort()).toEqual([
      'SHA256SUMS',
      'images/synthetic_case-00000_frontal.png',
      'images/synthetic_case-00001_frontal.png',
      'images/synthetic_case-00001_lateral.png',
      'images/synthetic_case-00002_frontal.png',
      'images/synthetic_case-00003_frontal.png',
      'images/synthetic_case-00003_lateral.png',
      'labels.csv',
      'manifest.json',
    ]);
    expect(decodePng(files['images/synthetic_case-00001_lateral.png']!, 'x').text['Synthetic']).toBe('yes');
    const manifest = JSON.parse(new TextDecoder().decode(files['manifest.json']));
    expect(manifest).toMatchObject({ synthetic: true, complete: true, spec, generator: { modelId: 'medcodi-nano', modelVersion: '0.1.0' } });
    expect(new TextDecoder().decode(files['labels.csv']).trim().split('\n')).toHaveLength(5);
  });

  it('pauses, survives a "reload" (a new store on the same IndexedDB) and resumes without redoing cases', async () => {
    const storage = indexedDbDatasetStorage(createStore(`ds-test-${Date.now()}`, 'datasets'));
    let pauseAfter: (() => void) | null = null;
    const first = deps({ storage });
    const firstRun = first.runJob;
    const store = createDatasetStore({
      ...first,
      runJob: async (request, options) => {
        const result = await firstRun(request, options);
        if (first.requests.length === 2) pauseAfter?.();
        return result;
      },
    });
    pauseAfter = () => store.getState().pause();
    await store.getState().start(spec, LABELS);
    expect(store.getState().status).toBe('paused');
    expect(store.getState().checks.size).toBe(2);

    const second = deps({ storage });
    const reloaded = createDatasetStore(second);
    await reloaded.getState().restore();
    expect(reloaded.getState()).toMatchObject({ status: 'paused', plan: expect.any(Array) });
    expect(reloaded.getState().checks.size).toBe(2);
    await reloaded.getState().resume();
    expect(reloaded.getState().status).toBe('done');
    expect(second.requests.map((r) => r.jobId.split('-').at(-1))).toEqual(['00002', '00003']);
    expect(Object.keys(unzipSync((await reloaded.getState().buildZip()).bytes)).filter((f) => f.endsWith('.png'))).toHaveLength(6);
  });

  it('cancel stops the job and discards the dataset', async () => {
    const d = deps({
      runJob: (_request, { signal }) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(new DOMException('cancelled', 'AbortError')))),
    });
    const store = createDatasetStore(d);
    const running = store.getState().start(spec, LABELS);
    await new Promise((r) => setTimeout(r, 10));
    await store.getState().cancel();
    await running;
    expect(store.getState()).toMatchObject({ status: 'idle', meta: null });
    expect(await d.storage.loadMeta()).toBeUndefined();
  });

  it('leaving the Cases screen mid-run and coming back: the run goes on alone, each case made once', async () => {
    let release: (() => void) | null = null;
    const d = deps();
    const runJob = d.runJob;
    const store = createDatasetStore({
      ...d,
      // the second case waits until the user is back
      runJob: async (r, o) => {
        if (d.requests.length === 1) await new Promise<void>((resolve) => (release = resolve));
        return runJob(r, o);
      },
    });
    const running = store.getState().start(spec, LABELS);
    await new Promise((r) => setTimeout(r, 10));
    // the view mounts again: restore must not turn the run into "paused", and Resume joins the run
    await store.getState().restore();
    expect(store.getState().status).toBe('running');
    const resumed = store.getState().resume();
    (release as (() => void) | null)?.();
    await Promise.all([running, resumed]);
    expect(store.getState().status).toBe('done');
    expect(d.requests.map((r) => r.jobId.split('-').at(-1))).toEqual(['00000', '00001', '00002', '00003']);
    expect(await d.storage.loadCases('ds-1')).toHaveLength(4);
  });

  it('cancel while a case is finishing: the late case is not saved, and a new dataset gets all of its own cases', async () => {
    let finish: (() => void) | null = null;
    const d = deps();
    const runJob = d.runJob;
    const store = createDatasetStore({
      ...d,
      // the first dataset's second job ignores the cancel and finishes late, as a classification in flight would
      runJob: async (r, o) => {
        if (r.jobId === 'ds-1-case-00001') await new Promise<void>((resolve) => (finish = resolve));
        return runJob(r, o);
      },
    });
    const first = store.getState().start(spec, LABELS);
    await new Promise((r) => setTimeout(r, 10));
    const cancelled = store.getState().cancel();
    (finish as (() => void) | null)?.();
    await Promise.all([first, cancelled]);
    expect(store.getState()).toMatchObject({ status: 'idle', meta: null });
    expect(await d.storage.loadCases('ds-1')).toEqual([]);
    await store.getState().start(spec, LABELS);
    expect(store.getState().status).toBe('done');
    expect((await d.storage.loadCases('ds-2')).map((c) => c.index).sort()).toEqual([0, 1, 2, 3]);
    expect(store.getState().checks.size).toBe(4);
  });

  it('a variant changed mid-run: each case in the manifest names the variant it was made with', async () => {
    const d = deps();
    const runJob = d.runJob;
    // the user picks fp16 in Models after the first two cases
    const store = createDatasetStore({ ...d, runJob: async (r, o) => ({ ...(await runJob(r, o)), ...(d.requests.length > 2 ? { variant: 'fp16' } : {}) }) });
    await store.getState().start(spec, LABELS);
    const { files } = await verifyZip((await store.getState().buildZip()).bytes);
    const manifest = JSON.parse(new TextDecoder().decode(files['manifest.json'])) as { generator: { mixed?: boolean }; cases: { generator: { variant: string } }[] };
    expect(manifest.generator.mixed).toBe(true);
    expect(manifest.cases.map((c) => c.generator.variant)).toEqual(['fp32', 'fp32', 'fp16', 'fp16']);
  });

  it('full storage mid-run: a clear message, the saved cases kept, and Resume finishes once there is room', async () => {
    const storage = memoryDatasetStorage();
    let full = false;
    const quota = new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    const flaky = { ...storage, saveCase: async (id: string, c: Parameters<typeof storage.saveCase>[1]) => (full ? Promise.reject(quota) : storage.saveCase(id, c)) };
    const d = deps({ storage: flaky });
    let jobs = 0;
    const runJob = d.runJob;
    const store = createDatasetStore({ ...d, runJob: async (r, o) => { jobs += 1; if (jobs === 3) full = true; return runJob(r, o); } });
    await store.getState().start(spec, LABELS);
    expect(store.getState().status).toBe('error');
    expect(store.getState().error).toBe(
      "The browser's storage for this site is full. The 2 cases saved so far are kept; download the ZIP or free space (Models: remove a variant; History: delete results), then Resume.",
    );
    expect((await storage.loadCases('ds-1')).map((c) => c.index).sort()).toEqual([0, 1]);
    full = false;
    await store.getState().resume();
    expect(store.getState().status).toBe('done');
    expect(await storage.loadCases('ds-1')).toHaveLength(4);
  });

  it('a new dataset that storage refuses leaves the current one whole', async () => {
    const storage = memoryDatasetStorage();
    const store = createDatasetStore(deps({ storage }));
    await store.getState().start(spec, LABELS);
    let refuse = true;
    const guarded = { ...storage, saveMeta: async (m: Parameters<typeof storage.saveMeta>[0]) => (refuse ? Promise.reject(new Error('blocked by the browser')) : storage.saveMeta(m)) };
    const again = createDatasetStore(deps({ storage: guarded }));
    await again.getState().restore();
    await again.getState().start({ ...spec, seed: 2 }, LABELS);
    expect(again.getState().error).toBe('The new dataset was not started; the current one is unchanged. blocked by the browser');
    expect(again.getState()).toMatchObject({ status: 'done', meta: { id: 'ds-1' } });
    expect(await storage.loadCases('ds-1')).toHaveLength(4);
    expect((await storage.loadMeta())?.id).toBe('ds-1');
    refuse = false;
  });

  it('reading a damaged or unreadable saved dataset gives a note and changes nothing', async () => {
    const storage = memoryDatasetStorage();
    await storage.saveMeta({ id: 'old', status: 'paused' } as never);
    const store = createDatasetStore(deps({ storage }));
    await store.getState().restore();
    expect(store.getState().error).toMatch(/^A saved dataset from another version of the studio \(or a damaged one\) was found and left as it is/);
    expect(store.getState().meta).toBeNull();
    expect((await storage.loadMeta())?.id).toBe('old');

    const broken = createDatasetStore(deps({ storage: { ...storage, loadMeta: () => Promise.reject(new Error('IndexedDB is not available')) } }));
    await broken.getState().restore();
    expect(broken.getState().error).toBe('The saved dataset could not be read: IndexedDB is not available');
  });

  it('a discard that fails says so and keeps the dataset on screen', async () => {
    const storage = memoryDatasetStorage();
    const store = createDatasetStore(deps({ storage: { ...storage, discard: () => Promise.reject('locked') } }));
    await store.getState().start(spec, LABELS);
    await store.getState().cancel();
    expect(store.getState().error).toBe('The dataset was stopped but not discarded: locked');
    expect(store.getState().meta?.id).toBe('ds-1');
  });
});
