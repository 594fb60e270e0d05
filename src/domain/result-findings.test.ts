import { describe, expect, it } from 'vitest';
import { compareWithSource, findingFromLabel, findingsForExport, imageFindings, sourceCaseOf, type SourceCase } from './result-findings';

const LABELS = ['cardiomegaly', 'pleural_effusion', 'pneumothorax'];

describe('imageFindings', () => {
  it('turns probabilities into verdicts at the 0.5 cut, most probable first', () => {
    expect(imageFindings({ labels: LABELS, probs: [0.2, 0.91, 0.5] })).toEqual([
      { label: 'pleural_effusion', prob: 0.91, finding: 'present' },
      { label: 'pneumothorax', prob: 0.5, finding: 'present' },
      { label: 'cardiomegaly', prob: 0.2, finding: 'absent' },
    ]);
  });

  it('refuses a classifier answer that does not fit its labels', () => {
    expect(() => imageFindings({ labels: LABELS, probs: [0.1, 0.2] })).toThrow(/2 probabilities for 3 labels/);
    expect(() => imageFindings({ labels: LABELS, probs: [0.1, Number.NaN, 0.3] })).toThrow(/no valid probability for pleural_effusion/);
  });
});

describe('sourceCaseOf', () => {
  it('keeps every label of the case as present (1, true or a details object) or absent', () => {
    const source = sourceCaseOf({
      id: 'p1',
      frontal: 'f.png',
      lateral: 'l.png',
      report: 'x',
      labels: { cardiomegaly: 1, pleural_effusion: { present: true, side: 'right' }, pneumothorax: { present: false }, consolidation: 0, edema: false },
    });
    expect(source).toEqual({ id: 'p1', labels: { cardiomegaly: 1, pleural_effusion: 1, pneumothorax: 0, consolidation: 0, edema: 0 } });
  });
});

describe('compareWithSource', () => {
  const source: SourceCase = { id: 'p1', labels: { cardiomegaly: 0, pleural_effusion: 1, pneumothorax: 0 } };

  it('compares each output with the ground truth and counts agreement per output', () => {
    const c = compareWithSource(
      source,
      {
        report: { cardiomegaly: 0, pleural_effusion: -1, pneumothorax: null },
        frontal: { labels: LABELS, probs: [0.1, 0.8, 0.7] },
      },
      LABELS,
    );
    expect(c.rows.map((r) => [r.label, r.source, r.outputs.frontal?.finding, r.outputs.report?.finding])).toEqual([
      ['cardiomegaly', 'absent', 'absent', 'absent'],
      ['pleural_effusion', 'present', 'present', 'uncertain'],
      ['pneumothorax', 'absent', 'present', 'absent'],
    ]);
    // An unmentioned label is absent in a report; "uncertain" never agrees with a known ground truth.
    expect(c.agreement).toEqual({ frontal: { agree: 2, of: 3 }, report: { agree: 2, of: 3 } });
    expect(c.rows[1]?.outputs.report?.agrees).toBe(false);
    expect(c.rows[2]?.outputs.frontal?.agrees).toBe(false);
    expect(c.rows[0]?.outputs.lateral).toBeUndefined();
  });

  it('leaves out labels the case has no ground truth for and the classifier does not know', () => {
    const c = compareWithSource(source, { lateral: { labels: ['cardiomegaly', 'pleural_effusion'], probs: [0.9, 0.9] } }, [...LABELS, 'nodule']);
    expect(c.rows.find((r) => r.label === 'nodule')).toMatchObject({ source: 'unknown', outputs: { lateral: { finding: 'unknown', agrees: false } } });
    expect(c.rows.find((r) => r.label === 'pneumothorax')?.outputs.lateral).toEqual({ finding: 'unknown', agrees: false });
    expect(c.agreement).toEqual({ lateral: { agree: 1, of: 2 } });
  });
});

describe('findingFromLabel', () => {
  it('reads the labeler: 1 present, -1 uncertain, 0 or not mentioned absent', () => {
    expect([1, -1, 0, null, undefined].map((v) => findingFromLabel(v as 1 | -1 | 0 | null | undefined))).toEqual(['present', 'uncertain', 'absent', 'absent', 'absent']);
  });
});

describe('findingsForExport', () => {
  it('writes the labeler values and the classifier probabilities with their cut, and nothing for missing outputs', () => {
    expect(findingsForExport({ report: { cardiomegaly: 1, pneumothorax: null }, lateral: { labels: ['cardiomegaly'], probs: [0.25] } })).toEqual({
      reportLabeler: { cardiomegaly: 1, pneumothorax: null },
      imageClassifier: { threshold: 0.5, lateral: { cardiomegaly: 0.25 } },
    });
    expect(findingsForExport({})).toEqual({});
  });
});
