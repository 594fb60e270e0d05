import { describe, expect, it } from 'vitest';
import type { GenerationRequest, GenerationSettings, JobResult } from '../../contracts/job';
import type { ExampleCase } from '../../domain/example-cases';
import { createDeviceCheckStore, type DeviceCheckDeps } from './device-check-store';

const LABELS = ['cardiomegaly', 'pleural_effusion'];
const settings: GenerationSettings = { steps: 4, guidanceScale: 7.5, seed: 9, sampler: 'ddim', eta: 1, previewEvery: 2, temperature: 1, topP: 1, maxTokens: 40 };
const grey = (v: number) => ({ width: 2, height: 2, pixels: new Uint8ClampedArray(4).fill(v) });
const cases: ExampleCase[] = [
  { id: 'p0', title: 'Phantom case 1: normal', frontal: 'p0_f.png', lateral: 'p0_l.png', report: 'Normal chest.', labels: { cardiomegaly: 0, pleural_effusion: 0 } },
  { id: 'p1', title: 'Phantom case 2: cardiomegaly', frontal: 'p1_f.png', lateral: 'p1_l.png', report: 'Moderate cardiomegaly.', labels: { cardiomegaly: 1, pleural_effusion: 0 } },
];

function result(request: GenerationRequest, outputs: JobResult['outputs']): JobResult {
  return {
    jobId: request.jobId, modelId: request.modelId, modelVersion: '0.2.1', variant: 'q4', backend: 'wasm', directionId: 'x', settings: request.settings,
    inputs: [], outputs, timings: { totalMs: 1, sessionRunMs: 1, stepsRun: 4 }, createdAt: '2026-12-07T00:00:00Z', synthetic: true,
  };
}

function deps(overrides: Partial<DeviceCheckDeps> = {}): DeviceCheckDeps & { requests: GenerationRequest[]; loads: string[] } {
  const requests: GenerationRequest[] = [];
  const loads: string[] = [];
  let n = 0;
  return {
    requests,
    loads,
    // The "model" writes cardiomegaly for the case whose frontal is bright (p1), a normal report otherwise.
    runJob: async (request) => {
      requests.push(request);
      const bright = request.inputs.some((i) => i.modality === 'frontal' && i.image.pixels[0] === 200);
      return result(request, { report: bright ? 'FINDINGS: There is moderate cardiomegaly. IMPRESSION: Cardiomegaly.' : 'FINDINGS: Heart size is normal. No pleural effusion.' });
    },
    classify: async () => ({ labels: LABELS, probs: [0.1, 0.1] }),
    loadImage: async (example, modality) => {
      loads.push(`${example.id}:${modality}`);
      return grey(example.id === 'p1' ? 200 : 50);
    },
    newJobId: () => `check-${(n += 1)}`,
    ...overrides,
  };
}

describe('device check store', () => {
  it('runs the direction over every case with its inputs and reports agreement with the known findings', async () => {
    const d = deps();
    const store = createDeviceCheckStore(d);
    await store.getState().run({ modelId: 'medcodi-nano', labels: LABELS, imageSize: 2, cases, direction: 'F>T', settings });
    const s = store.getState();
    expect(s.status).toBe('done');
    expect(d.loads).toEqual(['p0:frontal', 'p1:frontal']);
    expect(d.requests.map((r) => [r.outputs, r.settings.seed, r.settings.previewEvery])).toEqual([
      [['report'], 9, 0],
      [['report'], 10, 0],
    ]);
    expect(s.results.map((r) => [r.caseId, r.comparison.agreement.report])).toEqual([
      ['p0', { agree: 2, of: 2 }],
      ['p1', { agree: 2, of: 2 }],
    ]);
    expect(s.summary).toEqual([{ modality: 'report', labelAgreement: 1, exactCases: 2, cases: 2, presentFound: 1, presentTotal: 1 }]);
    expect(s.ranOn).toBe('q4, WASM');
    expect(s.modelId).toBe('medcodi-nano');
  });

  it('reads generated images with the classifier (T→F+L: both views judged)', async () => {
    const d = deps({
      runJob: async (request) => result(request, { frontal: grey(1), lateral: grey(2) }),
      classify: async (_m, image) => ({ labels: LABELS, probs: image.pixels[0] === 1 ? [0.9, 0.1] : [0.1, 0.1] }),
    });
    const store = createDeviceCheckStore(d);
    await store.getState().run({ modelId: 'm', labels: LABELS, imageSize: 2, cases, direction: 'T>F+L', settings });
    // The frontal always shows cardiomegaly: right for p1, wrong for p0. The lateral never does: the reverse.
    expect(store.getState().summary).toEqual([
      { modality: 'frontal', labelAgreement: 3 / 4, exactCases: 1, cases: 2, presentFound: 1, presentTotal: 1 },
      { modality: 'lateral', labelAgreement: 3 / 4, exactCases: 1, cases: 2, presentFound: 0, presentTotal: 1 },
    ]);
  });

  it('cancels between cases, keeps what finished, and explains failures', async () => {
    let store: ReturnType<typeof createDeviceCheckStore>;
    const d = deps({
      runJob: async (request, { signal }) => {
        if (request.jobId === 'check-2') {
          store.getState().cancel();
          if (signal.aborted) throw new DOMException('cancelled', 'AbortError');
        }
        return result(request, { report: 'Normal.' });
      },
    });
    store = createDeviceCheckStore(d);
    await store.getState().run({ modelId: 'm', labels: LABELS, imageSize: 2, cases, direction: 'F>T', settings });
    expect(store.getState().status).toBe('cancelled');
    expect(store.getState().error).toBeNull();
    expect(store.getState().results.map((r) => r.caseId)).toEqual(['p0']);

    const failing = createDeviceCheckStore(deps({ runJob: () => Promise.reject(new Error('WebGPU device lost')) }));
    await failing.getState().run({ modelId: 'm', labels: LABELS, imageSize: 2, cases, direction: 'L>T', settings });
    expect(failing.getState()).toMatchObject({ status: 'error', error: 'WebGPU device lost' });

    const noClassifier = createDeviceCheckStore(deps());
    await noClassifier.getState().run({ modelId: 'm', labels: [], imageSize: 2, cases, direction: 'F>T', settings });
    expect(noClassifier.getState().error).toBe('This model has no phantom classifier, so generated findings cannot be read.');
    const noCases = createDeviceCheckStore(deps());
    await noCases.getState().run({ modelId: 'm', labels: LABELS, imageSize: 2, cases: [], direction: 'F>T', settings });
    expect(noCases.getState().error).toBe('This build bundles no example cases to check against.');
  });
});
