import { describe, expect, it } from 'vitest';
import { labelPhantomReport } from '../labeler-rules';
import { carriesTarget, checkDatasetSpec, labelsCsv, planDataset, promptFor, summarizeDataset, type CaseCheck, type DatasetSpec } from './dataset-plan';

const LABELS = ['cardiomegaly', 'pleural_effusion', 'pneumothorax', 'consolidation', 'nodule_or_mass', 'pulmonary_edema', 'endotracheal_tube', 'central_line'];
const spec: DatasetSpec = { perLabel: { cardiomegaly: 2, pleural_effusion: 1 }, normal: 2, directions: ['T>F', 'T>F+L'], seed: 3, steps: 2, modelId: 'medcodi-nano' };

describe('dataset plan', () => {
  it('asks for each label as often as requested, deterministically', () => {
    const plan = planDataset(spec);
    expect(plan.map((c) => c.target)).toEqual(['cardiomegaly', 'cardiomegaly', 'pleural_effusion', 'normal', 'normal']);
    expect(plan.map((c) => c.directionId)).toEqual(['T>F', 'T>F+L', 'T>F', 'T>F+L', 'T>F']);
    expect(planDataset(spec)).toEqual(plan);
    expect(new Set(plan.map((c) => c.seed)).size).toBe(5);
  });

  it('writes prompts the labeler reads back as the requested finding (and normal as none)', () => {
    for (const label of LABELS) {
      for (const seed of [0, 1]) expect(labelPhantomReport(promptFor(label, seed)).labels[label], `${label} ${seed}`).toBe(1);
    }
    for (const seed of [0, 1]) expect(Object.values(labelPhantomReport(promptFor('normal', seed)).labels).includes(1)).toBe(false);
  });

  it('validates the spec in sentences', () => {
    expect(checkDatasetSpec(spec, LABELS)).toEqual([]);
    expect(checkDatasetSpec({ ...spec, perLabel: { fracture: 1 }, directions: ['F>T'] }, LABELS)).toEqual([
      '"fracture" is not a label of this model.',
      'Direction F>T must start from a report (T>F, T>L or T>F+L).',
    ]);
    expect(checkDatasetSpec({ ...spec, perLabel: {}, normal: 0 }, LABELS)).toContain('Ask for at least one case.');
  });

  it('counts how many cases carry their requested label and writes labels.csv', () => {
    const plan = planDataset(spec);
    const checks = new Map<number, CaseCheck>([
      [0, { imageProbs: { frontal: { cardiomegaly: 0.8 } } }],
      [1, { imageProbs: { frontal: { cardiomegaly: 0.2 }, lateral: { cardiomegaly: 0.3 } } }],
      [3, { imageProbs: { frontal: { cardiomegaly: 0.1 } } }],
    ]);
    expect(carriesTarget('normal', checks.get(3)!, LABELS)).toBe(true);
    expect(summarizeDataset(plan, checks, LABELS)).toEqual([
      { target: 'cardiomegaly', requested: 2, generated: 2, carrying: 1 },
      { target: 'pleural_effusion', requested: 1, generated: 0, carrying: 0 },
      { target: 'normal', requested: 2, generated: 1, carrying: 1 },
    ]);
    const csv = labelsCsv(plan, checks, new Map([[0, ['images/a.png']]]), LABELS).trim().split('\n');
    expect(csv).toHaveLength(4);
    expect(csv[0]).toMatch(/^case_id,target,carries_target,direction,seed,files,cardiomegaly_prob,/);
    expect(csv[1]).toMatch(/^case-00000,cardiomegaly,1,T>F,\d+,images\/a\.png,0\.8000,/);
  });
});
