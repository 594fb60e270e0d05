import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ModelEvaluation } from '../contracts/model-evaluation';
import { parseModelEvaluation } from '../contracts/model-evaluation';
import { betterGuidance, describeAlternative, describeRow, directionQuality, formatMetricValue, qualityNote, qualityTable } from './model-quality';

const bundled = parseModelEvaluation(new Uint8Array(readFileSync(new URL('../../public/models/medcodi-nano/evaluation.json', import.meta.url))), 'evaluation.json');

const row = (direction: string, steps: number, metric: string, value: number, bar: number | null, n = 200) =>
  ({ direction, steps, n, metric, value, bar, passed: bar === null ? null : value >= bar, note: '' });
const small: ModelEvaluation = {
  model: 'm',
  rows: [
    row('real F', 0, 'classifier exact-match on real phantom', 0.98, null),
    row('F>T', 50, 'micro label F1', 0.83, 0.8),
    row('F>T', 50, 'BLEU-4', 0.33, null),
    row('F>T', 20, 'micro label F1', 0.79, 0.8),
    row('F>T', 20, 'BLEU-4', 0.3, null),
    row('X>Y', 50, 'BLEU-4', 0.2, null, 40),
  ],
};

describe('directionQuality', () => {
  it('takes the evaluated step count nearest to the requested one (ties: the larger)', () => {
    expect(directionQuality(small, 'F>T', 50)!.steps).toBe(50);
    expect(directionQuality(small, 'F>T', 30)!.steps).toBe(20);
    expect(directionQuality(small, 'F>T', 35)!.steps).toBe(50);
    expect(directionQuality(small, 'F>T', 5)!.steps).toBe(20);
    expect(directionQuality(small, 'F>T', 200)!.steps).toBe(50);
  });

  it('meets only when every row with a bar meets it; rows without bars do not decide', () => {
    expect(directionQuality(small, 'F>T', 50)!.verdict).toBe('meets');
    expect(directionQuality(small, 'F>T', 20)!.verdict).toBe('misses');
    expect(directionQuality(small, 'X>Y', 50)).toMatchObject({ verdict: 'no-bar', n: 40 });
  });

  it('is null for a direction the evaluation did not measure, and never reads sanity rows as a direction', () => {
    expect(directionQuality(small, 'F+T>L', 50)).toBeNull();
    expect(directionQuality(small, 'real F', 50)).toBeNull();
  });

  it('on the bundled model: F→L misses its bar, T→F meets it', () => {
    const fl = directionQuality(bundled, 'F>L', 50)!;
    expect(fl.verdict).toBe('misses');
    expect(fl.rows).toHaveLength(1);
    expect(fl.rows[0]!.value).toBeCloseTo(0.45, 6);
    expect(directionQuality(bundled, 'T>F', 50)!.verdict).toBe('meets');
    expect(directionQuality(bundled, 'T>F', 50)!.rows).toHaveLength(2);
  });
});

describe('wording', () => {
  it('shows rates as percentages and scores as decimals', () => {
    expect(formatMetricValue('classifier agreement source vs generated', 0.445)).toBe('45%');
    expect(formatMetricValue('requested finding detected', 0.8531)).toBe('85%');
    expect(formatMetricValue('micro label F1', 0.7423)).toBe('0.74');
    expect(formatMetricValue('BLEU-4', 0.3011)).toBe('0.30');
    expect(formatMetricValue('ROUGE-L', 0.5385)).toBe('0.54');
    expect(describeRow(row('F>L', 50, 'classifier agreement source vs generated', 0.45, 0.8))).toBe('classifier agreement source vs generated 45% (bar 80%)');
  });

  it('says what was measured, on how many cases, and whether it met the bar', () => {
    expect(qualityNote(directionQuality(bundled, 'F>L', 50), 'F → L')).toBe(
      'Measured on this model (200 held-out cases, DDIM 50): classifier agreement source vs generated 45% (bar 80%). Below its bar: treat these outputs as illustrative.',
    );
    expect(qualityNote(directionQuality(small, 'F>T', 50), 'F → T')).toBe('Measured on this model (200 held-out cases, DDIM 50): micro label F1 0.83 (bar 0.80). Meets its bar.');
    expect(qualityNote(directionQuality(small, 'X>Y', 50), 'X → Y')).toBe('Measured on this model (40 held-out cases, DDIM 50): BLEU-4 0.20.');
    expect(qualityNote(null, 'F+T → L')).toBe("F+T → L was not measured in this model's evaluation.");
    // Other guidance than measured: the note says the numbers describe other settings; the same scale adds nothing.
    const fl = directionQuality(bundled, 'F>L', 50);
    expect(qualityNote(fl, 'F → L', { measured: 7.5, chosen: 3 })).toMatch(/illustrative\. These numbers are for guidance 7\.5; yours is 3\.$/);
    expect(qualityNote(fl, 'F → L', { measured: 7.5, chosen: 7.5 })).toBe(qualityNote(fl, 'F → L'));
    expect(qualityNote(fl, 'F → L', { measured: undefined, chosen: 3 })).toBe(qualityNote(fl, 'F → L'));
  });
});

describe('qualityTable', () => {
  it('has one row per direction and metric, a column per step count, and leaves out sanity rows', () => {
    const table = qualityTable(small);
    expect(table.steps).toEqual([50, 20]);
    expect(table.rows.map((r) => `${r.direction} ${r.metric}`)).toEqual(['F>T micro label F1', 'F>T BLEU-4', 'X>Y BLEU-4']);
    expect(table.rows[0]!.bySteps.get(20)!.value).toBe(0.79);
    expect(table.rows[2]!.bySteps.has(20)).toBe(false);
  });

  it('covers every measured row of the bundled evaluation', () => {
    const table = qualityTable(bundled);
    const cells = table.rows.reduce((n, r) => n + r.bySteps.size, 0);
    expect(cells).toBe(bundled.rows.filter((r) => r.steps > 0).length);
    expect(table.steps).toEqual([50, 20]);
  });
});

describe('guidance sweeps', () => {
  const swept = (g: number, v: number, metric = 'agreement', steps = 50) => ({ ...row('F>L', steps, metric, v, 0.8), guidance: g });
  const evaluation: ModelEvaluation = {
    model: 'm',
    guidance: 7.5,
    rows: [
      row('F>L', 50, 'agreement', 0.45, 0.8),
      row('F>L', 20, 'agreement', 0.44, 0.8),
      swept(3, 0.54),
      swept(1.5, 0.5),
      swept(15, 0.23),
      swept(3, 0.6, 'agreement', 20),
    ],
  };

  it('judges the bar on the reference guidance only', () => {
    const q = directionQuality(evaluation, 'F>L', 50)!;
    expect(q.rows.map((r) => r.value)).toEqual([0.45]);
    expect(q.verdict).toBe('misses');
  });

  it('offers the best scale that did better at the same step count', () => {
    const alt = betterGuidance(evaluation, directionQuality(evaluation, 'F>L', 50)!)!;
    expect(alt.guidance).toBe(3);
    expect(alt.rows.map((r) => r.value)).toEqual([0.54]);
    expect(describeAlternative(alt)).toBe('At guidance 3 it measured agreement 54% (bar 80%), still below its bar.');
    expect(betterGuidance(evaluation, directionQuality(evaluation, 'F>L', 20)!)!.rows[0]!.value).toBe(0.6);
  });

  it('offers nothing when no scale did clearly better on every barred metric', () => {
    const worse: ModelEvaluation = { ...evaluation, rows: [row('F>L', 50, 'agreement', 0.45, 0.8), swept(15, 0.23), swept(3, 0.46)] };
    expect(betterGuidance(worse, directionQuality(worse, 'F>L', 50)!)).toBeNull();
    const twoMetrics: ModelEvaluation = {
      ...evaluation,
      rows: [row('F>L', 50, 'a', 0.45, 0.8), row('F>L', 50, 'b', 0.9, 0.8), swept(3, 0.6, 'a'), swept(3, 0.85, 'b')],
    };
    expect(betterGuidance(twoMetrics, directionQuality(twoMetrics, 'F>L', 50)!)).toBeNull();
    const meets: ModelEvaluation = { ...evaluation, rows: [row('F>L', 50, 'a', 0.7, 0.8), swept(3, 0.85, 'a')] };
    expect(describeAlternative(betterGuidance(meets, directionQuality(meets, 'F>L', 50)!)!)).toBe('At guidance 3 it measured a 85% (bar 80%), meeting its bar.');
  });

  it('lists sweep rows after their direction\'s reference rows, marked with their scale', () => {
    const table = qualityTable(evaluation);
    expect(table.rows.map((r) => [r.direction, r.guidance])).toEqual([['F>L', null], ['F>L', 3], ['F>L', 1.5], ['F>L', 15]]);
    expect(table.rows[1]!.bySteps.get(20)!.value).toBe(0.6);
    expect(table.rows[0]!.bySteps.get(50)!.value).toBe(0.45);
  });
});
