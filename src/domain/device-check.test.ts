import { describe, expect, it } from 'vitest';
import type { GenerationSettings } from '../contracts/job';
import { checkCase, checkDirection, planDeviceCheck, summariseDeviceCheck, CHECK_DIRECTION_IDS } from './device-check';
import type { ExampleCase } from './example-cases';

const LABELS = ['cardiomegaly', 'pleural_effusion', 'pneumothorax'];
const base: GenerationSettings = { steps: 20, guidanceScale: 7.5, seed: 100, sampler: 'ddim', eta: 1, previewEvery: 5, temperature: 1, topP: 1, maxTokens: 100 };
const example = (id: string, labels: Record<string, unknown>): ExampleCase => ({ id, frontal: `${id}_f.png`, lateral: `${id}_l.png`, report: 'x', labels });

describe('device check', () => {
  it('plans one job per case with its own seed and no previews, in the direction asked', () => {
    const jobs = planDeviceCheck([example('a', {}), example('b', {})], 'F+L>T', base);
    expect(jobs).toEqual([
      { caseId: 'a', inputs: ['frontal', 'lateral'], outputs: ['report'], settings: { ...base, seed: 100, previewEvery: 0 } },
      { caseId: 'b', inputs: ['frontal', 'lateral'], outputs: ['report'], settings: { ...base, seed: 101, previewEvery: 0 } },
    ]);
    expect(() => planDeviceCheck([], 'T>F', base)).toThrow('This build bundles no example cases to check against.');
    for (const id of CHECK_DIRECTION_IDS) expect(checkDirection(id).outputs.length).toBeGreaterThan(0);
  });

  it('sums label agreement and exact cases per output over the cases', () => {
    const effusion = example('a', { cardiomegaly: 0, pleural_effusion: 1, pneumothorax: 0 });
    const normal = example('b', { cardiomegaly: 0, pleural_effusion: 0, pneumothorax: 0 });
    const results = [
      // a: frontal right on all 3; lateral misses the effusion
      checkCase(effusion, { frontal: { labels: LABELS, probs: [0.1, 0.9, 0.1] }, lateral: { labels: LABELS, probs: [0.1, 0.2, 0.1] } }, LABELS),
      // b: frontal invents a pneumothorax; lateral right
      checkCase(normal, { frontal: { labels: LABELS, probs: [0.1, 0.1, 0.7] }, lateral: { labels: LABELS, probs: [0.1, 0.1, 0.1] } }, LABELS),
    ];
    expect(summariseDeviceCheck(results)).toEqual([
      { modality: 'frontal', labelAgreement: 5 / 6, exactCases: 1, cases: 2, presentFound: 1, presentTotal: 1 },
      { modality: 'lateral', labelAgreement: 5 / 6, exactCases: 1, cases: 2, presentFound: 0, presentTotal: 1 },
    ]);
    expect(summariseDeviceCheck([])).toEqual([]);
  });

  it('judges a report by the labeler: an unmentioned finding is absent, an uncertain one never agrees', () => {
    const r = checkCase(example('a', { cardiomegaly: 1, pleural_effusion: 0, pneumothorax: 0 }), { report: { cardiomegaly: -1, pleural_effusion: 0, pneumothorax: null } }, LABELS);
    expect(r.comparison.agreement).toEqual({ report: { agree: 2, of: 3 } });
    // The case's one finding is written as uncertain: not found.
    expect(summariseDeviceCheck([r])).toEqual([{ modality: 'report', labelAgreement: 2 / 3, exactCases: 0, cases: 1, presentFound: 0, presentTotal: 1 }]);
  });
});
