import { describe, expect, it } from 'vitest';
import type { GenerationRequest, GenerationSettings, JobResult } from '../../contracts/job';
import { createTwinStore } from './twin-store';

const settings: GenerationSettings = { steps: 2, guidanceScale: 7.5, seed: 5, sampler: 'ddim', eta: 1, previewEvery: 0, temperature: 1, topP: 1, maxTokens: 20 };
const img = (v: number) => ({ width: 2, height: 2, pixels: new Uint8ClampedArray(4).fill(v) });

function fakeResult(request: GenerationRequest): JobResult {
  const outputs: JobResult['outputs'] = {};
  for (const m of request.outputs) Object.assign(outputs, m === 'report' ? { report: 'Moderate cardiomegaly. No effusion.' } : { [m]: img(m === 'frontal' ? 10 : 20) });
  return {
    jobId: request.jobId, modelId: request.modelId, modelVersion: '0.1.0', variant: 'fp32', backend: 'wasm', directionId: 'x', settings: request.settings,
    inputs: request.inputs.map((i) => ({ modality: i.modality, weight: i.weight, sha256: '0'.repeat(64) })), outputs,
    timings: { totalMs: 1, sessionRunMs: 1, stepsRun: 2 }, createdAt: '2026-11-27T00:00:00Z', synthetic: true,
  };
}

describe('twin store', () => {
  it('makes a twin from a real image in two jobs and compares findings', async () => {
    const requests: GenerationRequest[] = [];
    const store = createTwinStore({
      runJob: async (request) => {
        requests.push(request);
        return fakeResult(request);
      },
      classify: async () => ({ labels: ['cardiomegaly', 'pleural_effusion'], probs: [0.9, 0.1] }),
      newJobId: () => `job-${requests.length}`,
    });
    store.getState().setRealImage('frontal', img(99), 'real.dcm');
    await store.getState().run('medcodi-nano', settings, ['cardiomegaly', 'pleural_effusion']);
    const state = store.getState();
    expect(state.status).toBe('done');
    expect(requests.map((r) => `${r.inputs.map((i) => i.modality).join('+')}>${r.outputs.join('+')}`)).toEqual(['frontal>report', 'report>frontal+lateral']);
    // The second job reads the twin report, not anything real.
    expect(requests[1]!.inputs[0]).toMatchObject({ modality: 'report', text: 'Moderate cardiomegaly. No effusion.' });
    expect(requests.map((r) => r.settings.seed)).toEqual([5, 6]);
    expect(state.twin.frontal && state.twin.lateral && state.twin.report).toBeTruthy();
    expect(state.records.every((r) => r.synthetic)).toBe(true);
    expect(state.findings?.twin.reportLabels?.['cardiomegaly']).toBe(1);
    expect(state.findings?.real.imageProbs?.frontal?.['cardiomegaly']).toBe(0.9);
    store.getState().clearReal();
    expect(store.getState().real).toEqual({});
  });

  it('reports a missing case and a cancelled job', async () => {
    const store = createTwinStore({
      runJob: (_request, { signal }) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(new DOMException('cancelled', 'AbortError')))),
      classify: async () => ({ labels: [], probs: [] }),
      newJobId: () => 'j',
    });
    await store.getState().run('m', settings, null);
    expect(store.getState()).toMatchObject({ status: 'error', error: expect.stringMatching(/frontal or lateral image, or a report/) });
    store.getState().setRealReport('Cardiomegaly.');
    const running = store.getState().run('m', settings, null);
    store.getState().cancel();
    await running;
    expect(store.getState().status).toBe('cancelled');
  });

  it('a job that fails with no Error still gives a sentence', async () => {
    for (const [reason, sentence] of [
      [undefined, 'The twin was not made, for a reason the browser did not give.'],
      ['The engine worker stopped.', 'The engine worker stopped.'],
      [new Error('WebGPU device lost'), 'WebGPU device lost'],
    ] as const) {
      const store = createTwinStore({ runJob: () => Promise.reject(reason), classify: async () => ({ labels: [], probs: [] }), newJobId: () => 'j' });
      store.getState().setRealReport('Cardiomegaly.');
      await store.getState().run('m', settings, null);
      expect(store.getState()).toMatchObject({ status: 'error', error: sentence });
    }
  });
});
