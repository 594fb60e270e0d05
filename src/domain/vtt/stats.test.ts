import { describe, expect, it } from 'vitest';
import {
  binomialTestTwoSided,
  cohenKappa,
  confusionOf,
  delongAuc,
  describe as describeSample,
  fleissKappa,
  hanleyMcNeilSe,
  mannWhitney,
  quantile,
  rocPoints,
  trapezoidArea,
  wilsonInterval,
} from './stats';
import { dPrime, inverseNormalCdf, normalCdf } from './normal-distribution';

/** Expands rating counts (index 0 = rating 1) into a list of ratings. */
function ratingsFromCounts(counts: readonly number[]): number[] {
  return counts.flatMap((count, i) => new Array<number>(count).fill(i + 1));
}

describe('wilsonInterval', () => {
  // Newcombe RG. Two-sided confidence intervals for the single proportion: comparison of seven methods.
  // Stat Med 1998;17:857-872, Table II, method 3 (Wilson score without continuity correction).
  it.each([
    [81, 263, 0.2553, 0.3662],
    [15, 148, 0.0624, 0.1605],
    [0, 20, 0.0, 0.1611],
    [1, 29, 0.0061, 0.1718],
  ])('%i/%i → %f–%f (Newcombe 1998)', (x, n, lower, upper) => {
    const ci = wilsonInterval(x, n);
    expect(ci.lower).toBeCloseTo(lower, 4);
    expect(ci.upper).toBeCloseTo(upper, 4);
  });

  it('is NaN for no observations', () => {
    expect(wilsonInterval(0, 0).lower).toBeNaN();
  });
});

describe('binomialTestTwoSided', () => {
  it('matches the exact tail sums for 9 of 10 against 0.5', () => {
    // P(X ≥ 9) = (10 + 1) / 1024, doubled by symmetry = 22/1024 = 0.021484375 (R: binom.test(9, 10)$p.value).
    expect(binomialTestTwoSided(9, 10)).toBeCloseTo(22 / 1024, 12);
  });
  it('gives 1 at the expected count', () => {
    expect(binomialTestTwoSided(5, 10)).toBeCloseTo(1, 12);
  });
  it('sums the less likely outcomes on both sides for p ≠ 0.5', () => {
    // Bin(4, 0.25): P(0..4) = 81, 108, 54, 12, 1 (/256). Observed 3 (12/256): outcomes no more likely: 3 and 4.
    expect(binomialTestTwoSided(3, 4, 0.25)).toBeCloseTo(13 / 256, 12);
  });
});

describe('confusionOf', () => {
  it('counts synthetic as the positive class', () => {
    const c = confusionOf([
      { positive: true, calledPositive: true },
      { positive: true, calledPositive: false },
      { positive: false, calledPositive: false },
      { positive: false, calledPositive: true },
      { positive: false, calledPositive: false },
    ]);
    expect(c).toEqual({ tp: 1, fn: 1, tn: 2, fp: 1 });
  });
});

describe('delongAuc', () => {
  // Hanley JA, McNeil BJ. The meaning and use of the area under a ROC curve. Radiology 1982;143:29-36, Table 1:
  // 109 CT images rated on a 5-point scale; normal n = 58 (33, 6, 6, 11, 2), abnormal n = 51 (3, 2, 2, 11, 33).
  // The paper reports the Wilcoxon area 0.893 with SE 0.032 (its exponential approximation).
  const abnormal = ratingsFromCounts([3, 2, 2, 11, 33]);
  const normal = ratingsFromCounts([33, 6, 6, 11, 2]);

  it('reproduces the Hanley & McNeil (1982) area 0.893', () => {
    const result = delongAuc(abnormal, normal);
    expect(result?.auc).toBeCloseTo(0.8932, 4);
    expect(result?.positives).toBe(51);
    expect(result?.negatives).toBe(58);
  });

  it('reproduces the Hanley & McNeil (1982) SE 0.032 with their formula', () => {
    expect(hanleyMcNeilSe(0.8932, 51, 58)).toBeCloseTo(0.0325, 3);
  });

  it('gives a DeLong SE close to the Hanley–McNeil approximation on the same data', () => {
    // DeLong (nonparametric) and Hanley–McNeil (exponential model) differ slightly; both ≈ 0.03 here.
    const result = delongAuc(abnormal, normal);
    expect(result?.se).toBeCloseTo(0.030724, 5);
    expect(Math.abs((result?.se ?? 0) - 0.0325)).toBeLessThan(0.003);
  });

  it('matches a hand computation of the DeLong components on a small example', () => {
    // Positives X = 0.9, 0.8, 0.7, 0.4; negatives Y = 0.6, 0.5, 0.3, 0.8.
    // ψ(x, y) = 1 if x > y, ½ if equal. V10 (per positive) = mean over Y: 1, 0.875, 0.75, 0.25 → AUC = 2.875/4 = 0.71875.
    // V01 (per negative) = mean over X: 0.75, 0.75, 1, 0.375.
    // S10 = var(1, .875, .75, .25) = 0.1080729…; S01 = var(.75, .75, 1, .375) = 0.06640625.
    // var = S10/4 + S01/4 = 0.0436198…; SE = 0.2088535…
    const result = delongAuc([0.9, 0.8, 0.7, 0.4], [0.6, 0.5, 0.3, 0.8]);
    expect(result?.auc).toBeCloseTo(0.71875, 12);
    expect(result?.variance).toBeCloseTo(0.1080729166666 / 4 + 0.06640625 / 4, 10);
    expect(result?.se).toBeCloseTo(0.2088535, 6);
    expect(result?.ci.lower).toBeCloseTo(0.71875 - 1.959964 * 0.2088535, 5);
    expect(result?.ci.upper).toBe(1);
  });

  it('returns 0.5 for identical ratings and null without both classes', () => {
    expect(delongAuc([3, 3], [3, 3])?.auc).toBe(0.5);
    expect(delongAuc([], [1])).toBeNull();
  });
});

describe('rocPoints', () => {
  it('runs from (0,0) to (1,1) and its trapezoid area equals the Mann–Whitney AUC', () => {
    const abnormal = ratingsFromCounts([3, 2, 2, 11, 33]);
    const normal = ratingsFromCounts([33, 6, 6, 11, 2]);
    const points = rocPoints(abnormal, normal);
    expect(points[0]).toMatchObject({ fpr: 0, tpr: 0 });
    expect(points[points.length - 1]).toMatchObject({ fpr: 1, tpr: 1 });
    // Hanley & McNeil Table 1 operating point at "rating ≥ 4" (definitely/probably abnormal): TPR 44/51, FPR 13/58.
    expect(points.find((p) => p.threshold === 4)).toMatchObject({ tpr: 44 / 51, fpr: 13 / 58 });
    expect(trapezoidArea(points)).toBeCloseTo(delongAuc(abnormal, normal)?.auc ?? 0, 12);
  });
});

describe('cohenKappa', () => {
  it('reproduces the Wikipedia "Cohen\'s kappa" worked example (κ = 0.4)', () => {
    // 50 grant proposals read by A and B: yes/yes 20, A yes–B no 5, A no–B yes 10, no/no 15.
    // p_o = 0.7, p_e = 0.5, κ = 0.4 (https://en.wikipedia.org/wiki/Cohen%27s_kappa, "Simple example").
    const pairs: (readonly [string, string])[] = [
      ...new Array<readonly [string, string]>(20).fill(['yes', 'yes']),
      ...new Array<readonly [string, string]>(5).fill(['yes', 'no']),
      ...new Array<readonly [string, string]>(10).fill(['no', 'yes']),
      ...new Array<readonly [string, string]>(15).fill(['no', 'no']),
    ];
    const result = cohenKappa(pairs);
    expect(result.observed).toBeCloseTo(0.7, 12);
    expect(result.expected).toBeCloseTo(0.5, 12);
    expect(result.kappa).toBeCloseTo(0.4, 12);
  });

  it('is 1 for perfect agreement and NaN when both raters use one category only', () => {
    expect(cohenKappa([['a', 'a'], ['b', 'b']] as const).kappa).toBe(1);
    expect(cohenKappa([['a', 'a'], ['a', 'a']] as const).kappa).toBeNaN();
  });
});

describe('fleissKappa', () => {
  it('reproduces the Fleiss (1971) / Wikipedia worked example (κ ≈ 0.210)', () => {
    // 10 subjects, 14 raters, 5 categories (https://en.wikipedia.org/wiki/Fleiss%27_kappa, "Worked example"):
    // P̄ = 0.378, P̄e = 0.213, κ = 0.210.
    const table = [
      [0, 0, 0, 0, 14],
      [0, 2, 6, 4, 2],
      [0, 0, 3, 5, 6],
      [0, 3, 9, 2, 0],
      [2, 2, 8, 1, 1],
      [7, 7, 0, 0, 0],
      [3, 2, 6, 3, 0],
      [2, 5, 3, 2, 2],
      [6, 5, 2, 1, 0],
      [0, 2, 2, 3, 7],
    ];
    const result = fleissKappa(table);
    expect(result.observed).toBeCloseTo(0.378, 3);
    expect(result.expected).toBeCloseTo(0.213, 3);
    expect(result.kappa).toBeCloseTo(0.21, 3);
  });

  it('refuses unequal numbers of raters per case', () => {
    expect(() => fleissKappa([[1, 1], [2, 1]])).toThrow(/same number/);
  });
});

describe('normal distribution and d′', () => {
  it('matches standard normal table values', () => {
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(-1)).toBeCloseTo(0.158655, 6);
    expect(inverseNormalCdf(0.975)).toBeCloseTo(1.959964, 6);
    expect(inverseNormalCdf(0.01)).toBeCloseTo(-2.326348, 6);
    expect(inverseNormalCdf(0.5)).toBe(0);
  });

  it('computes d′ with the log-linear correction', () => {
    // Hit rate (8 + .5)/(10 + 1), false-alarm rate (2 + .5)/(10 + 1):
    // Φ⁻¹(0.772727) − Φ⁻¹(0.227273) = 1.495717 (Python statistics.NormalDist).
    expect(dPrime(8, 10, 2, 10)).toBeCloseTo(1.495717, 5);
    expect(Number.isFinite(dPrime(10, 10, 0, 10))).toBe(true);
  });
});

describe('descriptive statistics', () => {
  it('uses type-7 quantiles (R default)', () => {
    // R: quantile(c(1, 2, 3, 4, 10), c(.25, .5, .75)) → 2, 3, 4.
    expect(quantile([10, 1, 3, 2, 4], 0.25)).toBe(2);
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    // R: quantile(1:4, .25) → 1.75.
    expect(quantile([1, 2, 3, 4], 0.25)).toBe(1.75);
    const spread = describeSample([2, 4, 4, 4, 5, 5, 7, 9]);
    expect(spread.mean).toBe(5);
    expect(spread.sd).toBeCloseTo(Math.sqrt(32 / 7), 12);
  });
});

describe('mannWhitney', () => {
  it('gives U, z and p matching a hand computation with ties', () => {
    // x = 1, 2, 3; y = 2, 4. U_x = pairs x > y (+½ ties): (1:0) + (2: ½) + (3: 1) = 1.5.
    // Ties: value 2 twice → Σ(t³ − t) = 6. var = (3·2/12)(6 − 6/(5·4)) = 0.5 × 5.7 = 2.85.
    // z = (1.5 − 3)/√2.85 = −0.888523; p = 2Φ(−0.888523) = 0.374259.
    const result = mannWhitney([1, 2, 3], [2, 4]);
    expect(result?.u).toBe(1.5);
    expect(result?.z).toBeCloseTo(-0.888523, 5);
    expect(result?.p).toBeCloseTo(0.374259, 5);
  });
});
