import { describe, expect, it } from 'vitest';
import { alphasCumprod, betas } from './noise-schedule';
import { REFERENCE_SCHEDULE } from './test-helpers';

describe('alphasCumprod', () => {
  it('matches spec §3.1 golden values (scaled_linear, 0.00085 → 0.012)', () => {
    const a = alphasCumprod(REFERENCE_SCHEDULE);
    expect(a.length).toBe(1000);
    expect(a[0]).toBeCloseTo(0.99915, 12);
    expect(a[980]).toBeCloseTo(0.0058438, 7);
    expect(a[999]).toBeCloseTo(0.0046601, 7);
  });

  it('scaled_linear is linear in √β; linear is linear in β', () => {
    const scaled = betas(REFERENCE_SCHEDULE);
    expect(Math.sqrt(scaled[999] as number)).toBeCloseTo(Math.sqrt(0.012), 14);
    expect(Math.sqrt(scaled[500] as number) - Math.sqrt(scaled[499] as number)).toBeCloseTo(
      (Math.sqrt(0.012) - Math.sqrt(0.00085)) / 999,
      14,
    );
    const linear = betas({ ...REFERENCE_SCHEDULE, betaSchedule: 'linear' });
    expect(linear[999]).toBeCloseTo(0.012, 15);
    expect((linear[1] as number) - (linear[0] as number)).toBeCloseTo((0.012 - 0.00085) / 999, 15);
  });

  it('is strictly decreasing', () => {
    const a = alphasCumprod(REFERENCE_SCHEDULE);
    for (let t = 1; t < a.length; t++) expect(a[t]).toBeLessThan(a[t - 1] as number);
  });
});
