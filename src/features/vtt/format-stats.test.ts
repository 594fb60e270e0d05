import { describe, expect, it } from 'vitest';
import { describe as describeSample } from '../../domain/vtt/stats';
import { likertMedianText, likertText } from './format-stats';

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
