import { describe, expect, it } from 'vitest';
import { compareFindings, findingFor, planTwin } from './twin-plan';

const img = { width: 1, height: 1, pixels: new Uint8ClampedArray(1) };

describe('planTwin', () => {
  it('goes images → report → images when there are real images', () => {
    const steps = planTwin({ frontal: img, lateral: img, report: 'x' });
    expect(steps.map((s) => s.directionId)).toEqual(['F+L>T', 'T>F+L']);
    expect(steps[0]!.inputs.every((i) => i.from === 'real')).toBe(true);
    expect(steps[1]!.inputs).toEqual([{ modality: 'report', from: 'twin' }]);
    expect(planTwin({ lateral: img }).map((s) => s.directionId)).toEqual(['L>T', 'T>F+L']);
  });

  it('goes report → both views → report with only a report, never copying the real text', () => {
    const steps = planTwin({ report: 'Cardiomegaly.' });
    expect(steps.map((s) => s.directionId)).toEqual(['T>F+L', 'F+L>T']);
    expect(steps[1]!.inputs.every((i) => i.from === 'twin')).toBe(true);
  });

  it('explains an empty case', () => {
    expect(() => planTwin({ report: '  ' })).toThrow(/frontal or lateral image, or a report/);
  });
});

describe('findings', () => {
  it('prefers the report labeler and falls back to the classifier', () => {
    expect(findingFor({ reportLabels: { cardiomegaly: 1 }, imageProbs: { frontal: { cardiomegaly: 0.1 } } }, 'cardiomegaly')).toBe('present');
    expect(findingFor({ reportLabels: { cardiomegaly: null }, imageProbs: { frontal: { cardiomegaly: 0.7 } } }, 'cardiomegaly')).toBe('present');
    expect(findingFor({ imageProbs: { frontal: { x: 0.2 }, lateral: { x: 0.4 } } }, 'x')).toBe('absent');
    expect(findingFor({}, 'x')).toBe('unknown');
    expect(findingFor({ reportLabels: { x: -1 } }, 'x')).toBe('uncertain');
  });

  it('compares real and twin label by label', () => {
    const { rows, agreement } = compareFindings({ reportLabels: { a: 1, b: 0 } }, { imageProbs: { frontal: { a: 0.9, b: 0.8 } } }, ['a', 'b']);
    expect(rows).toEqual([
      { label: 'a', real: 'present', twin: 'present', agree: true },
      { label: 'b', real: 'absent', twin: 'present', agree: false },
    ]);
    expect(agreement).toBe(0.5);
  });
});
