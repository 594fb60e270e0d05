import { describe, expect, it } from 'vitest';
import { scenarioStudy, scriptedSession } from '../../domain/vtt/__fixtures__/scenario';
import { analyseStudy } from '../../domain/vtt/analysis';
import { describe as describeSample } from '../../domain/vtt/stats';
import { likertMedianText, likertText, READER_METRIC_COLUMNS, readerMetricCells } from './format-stats';

describe('Likert summaries', () => {
  it('gives the median and interquartile range beside mean ± SD', () => {
    // the worked scenario's pooled realism of the real cases (R1 4,5,5,5; R2 3,5,5,5)
    const real = describeSample([4, 5, 5, 5, 3, 5, 5, 5]);
    expect(likertMedianText(real)).toBe('5 [4.75–5]');
    expect(likertText(real)).toBe('4.63 ± 0.74 (n=8)');
    expect(likertMedianText(describeSample([2, 2, 2, 2, 2, 4, 4, 4]))).toBe('2 [2–4]');
    expect(likertMedianText(describeSample([1, 2]))).toBe('1.5 [1.25–1.75]');
    expect(likertMedianText(describeSample([]))).toBe('—');
  });
});

describe('the per-reader table', () => {
  it("gives every column a cell, in the worked scenario's numbers, and a dash where a statistic is undefined", async () => {
    const study = scenarioStudy();
    const sessions = [await scriptedSession(study, 'R1', 'reader-1'), await scriptedSession(study, 'R2', 'reader-2')];
    const r1 = analyseStudy(study, sessions).readers.find((m) => m.label === 'R1');
    if (!r1) throw new Error('no R1');
    const cells = readerMetricCells(r1);
    expect(Object.keys(cells).sort()).toEqual(READER_METRIC_COLUMNS.map((c) => c.key).sort());
    expect(READER_METRIC_COLUMNS.map((c) => cells[c.key]).slice(0, 8)).toEqual([
      'R1',
      '8',
      '87.5% (7/8; 52.9–97.8%)',
      '0.070',
      '75.0% (3/4; 30.1–95.4%)',
      '100.0% (4/4; 51.0–100.0%)',
      '0.969 (0.882–1.000)',
      '1.81',
    ]);
    expect(readerMetricCells({ ...r1, auc: null, dPrime: Number.NaN })).toMatchObject({ auc: '—', 'd-prime': '—' });
  });
});
