import { describe, expect, it } from 'vitest';
import { krippendorffAlpha, krippendorffAlphaWithCi } from './krippendorff';

/** Reliability data as one string per reader ('.' = not read), turned into the values each case received. */
function unitsFrom(readers: readonly string[]): number[][] {
  const cases = (readers[0] as string).length;
  return Array.from({ length: cases }, (_, i) => readers.map((r) => r[i] as string).filter((c) => c !== '.').map(Number));
}

// Krippendorff K. Computing Krippendorff's Alpha-Reliability (2011), section C: observers A-D, 12 units, values 1-5.
const PAPER = ['123321412...', '1233224125.3', '.3332342251.', '12332441251.'];

// 5 readers × 40 cases on a 1-6 scale with 20 % missing (numpy seed 7; reference values below).
const LARGER = [
  '.45.455212.66146.5..523161523543.6.55.35',
  '64664...12.6.1.5.413423.5.632.34.64554.6',
  '65.64.6212..612525145.234364.443465544.6',
  '.55.45621315614.1.1352.2.263355346454426',
  '645634621226613.161.623152632443.655.445',
];

describe("Krippendorff's α", () => {
  // Reference values: Python package `krippendorff` 0.9.0, `krippendorff.alpha(reliability_data=…,
  // level_of_measurement=…)`, on the same matrices (NaN for '.'); the paper gives 0.743 for nominal.
  it('matches the worked example of Krippendorff (2011) and the reference implementation', () => {
    const units = unitsFrom(PAPER);
    expect(units[11]).toEqual([3]);
    expect(krippendorffAlpha(units, 'nominal').alpha).toBeCloseTo(0.743421052631579, 12);
    expect(krippendorffAlpha(units, 'ordinal').alpha).toBeCloseTo(0.8153875037548814, 12);
    expect(krippendorffAlpha(units, 'interval').alpha).toBeCloseTo(0.8491071428571428, 12);
    // the paper: 40 pairable values in 11 units (unit 12 has one value and drops out)
    expect(krippendorffAlpha(units, 'nominal')).toMatchObject({ units: 11, values: 40 });
  });

  it('matches the reference implementation on 5 readers × 40 cases with missing readings', () => {
    const units = unitsFrom(LARGER);
    expect(krippendorffAlpha(units, 'nominal').alpha).toBeCloseTo(0.45892549526270465, 12);
    expect(krippendorffAlpha(units, 'ordinal').alpha).toBeCloseTo(0.8910447782630166, 12);
    expect(krippendorffAlpha(units, 'interval').alpha).toBeCloseTo(0.8965586915853903, 12);
  });

  it('ignores cases read once and the order of readings within a case', () => {
    const units = unitsFrom(LARGER);
    const base = krippendorffAlpha(units, 'ordinal').alpha;
    expect(krippendorffAlpha([...units, [6], [1]], 'ordinal').alpha).toBeCloseTo(base, 14);
    expect(krippendorffAlpha(units.map((u) => [...u].reverse()), 'ordinal').alpha).toBeCloseTo(base, 14);
  });

  it('ordinal α depends only on the order of the scale, interval α on its spacing', () => {
    const units = unitsFrom(LARGER);
    const stretch = (v: number) => [0, 10, 20, 35, 36, 37, 100][v] as number;
    const stretched = units.map((u) => u.map(stretch));
    expect(krippendorffAlpha(stretched, 'ordinal').alpha).toBeCloseTo(krippendorffAlpha(units, 'ordinal').alpha, 12);
    expect(krippendorffAlpha(stretched, 'nominal').alpha).toBeCloseTo(krippendorffAlpha(units, 'nominal').alpha, 12);
    expect(krippendorffAlpha(stretched, 'interval').alpha).not.toBeCloseTo(krippendorffAlpha(units, 'interval').alpha, 3);
  });

  it('is 1 for perfect agreement, and below 0 for systematic disagreement', () => {
    expect(krippendorffAlpha([[1, 1], [2, 2], [5, 5, 5]], 'ordinal').alpha).toBe(1);
    expect(krippendorffAlpha([[1, 5], [5, 1], [1, 5], [5, 1]], 'nominal').alpha).toBeLessThan(0);
  });

  it('is undefined (NaN) when every value is the same or nothing is pairable', () => {
    expect(krippendorffAlpha([[3, 3], [3, 3, 3]], 'ordinal').alpha).toBeNaN();
    expect(krippendorffAlpha([[3], [4]], 'ordinal')).toMatchObject({ units: 0, values: 0 });
    expect(krippendorffAlpha([], 'nominal').alpha).toBeNaN();
  });

  it('gives the plain share of agreeing pairs beside α', () => {
    // 2 + 2 agreeing ordered pairs of 6: α near 0 can sit beside most readings agreeing
    expect(krippendorffAlpha([[1, 1], [1, 1], [1, 2]], 'nominal').exactAgreement).toBeCloseTo(4 / 6, 14);
    // three readers, all the same: every pair agrees
    expect(krippendorffAlpha([[3, 3, 3], [2, 2, 2]], 'ordinal').exactAgreement).toBe(1);
    expect(krippendorffAlpha([[3], [4]], 'ordinal').exactAgreement).toBeNaN();
  });

  it('refuses values that are not numbers on the scale', () => {
    expect(() => krippendorffAlpha([[1, Number.NaN]], 'ordinal')).toThrow(/numbers on the scale/);
  });
});

describe("Krippendorff's α bootstrap interval", () => {
  it('brackets the estimate, is reproducible from its seed and changes with it', () => {
    const units = unitsFrom(LARGER);
    const a = krippendorffAlphaWithCi(units, 'ordinal', { seed: 11 });
    expect(a.alpha).toBeCloseTo(0.8910447782630166, 12);
    expect(a.resamples).toBe(1000);
    const ci = a.ci;
    if (ci === null) throw new Error('expected an interval');
    expect(ci.lower).toBeLessThan(a.alpha);
    expect(ci.upper).toBeGreaterThan(a.alpha);
    expect(ci.upper).toBeLessThanOrEqual(1);
    expect(ci.upper - ci.lower).toBeGreaterThan(0.02);
    expect(ci.upper - ci.lower).toBeLessThan(0.3);
    expect(krippendorffAlphaWithCi(units, 'ordinal', { seed: 11 }).ci).toEqual(ci);
    expect(krippendorffAlphaWithCi(units, 'ordinal', { seed: 12 }).ci).not.toEqual(ci);
  });

  it('narrows as the same readers read more cases', () => {
    const units = unitsFrom(LARGER);
    const width = (u: number[][]) => {
      const ci = krippendorffAlphaWithCi(u, 'ordinal', { seed: 3 }).ci;
      if (ci === null) throw new Error('expected an interval');
      return ci.upper - ci.lower;
    };
    expect(width([...units, ...units, ...units, ...units])).toBeLessThan(0.7 * width(units));
  });

  it('gives no interval where α is undefined, and [1, 1] for perfect agreement', () => {
    expect(krippendorffAlphaWithCi([[2, 2], [2, 2]], 'ordinal', { seed: 1 }).ci).toBeNull();
    expect(krippendorffAlphaWithCi([[1, 1], [2, 2]], 'ordinal', { seed: 1 }).ci).toBeNull(); // many resamples hold one value only
    expect(krippendorffAlphaWithCi([[1, 1], [2, 2], [3, 3], [4, 4], [5, 5], [1, 1], [2, 2], [3, 3], [4, 4], [5, 5]], 'ordinal', { seed: 1 }).ci).toEqual({
      lower: 1,
      upper: 1,
    });
  });
});
