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
});
