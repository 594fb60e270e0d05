/**
 * @file Reader-study statistics (pure). Synthetic is the positive class: a "positive" call is "synthetic".
 * Each function names its method and source; the tests check them against published worked examples.
 */

import { normalCdf } from './normal-distribution';

export const Z95 = 1.959963984540054;

export interface Interval {
  readonly lower: number;
  readonly upper: number;
}

export interface Proportion {
  readonly successes: number;
  readonly n: number;
  /** NaN when n = 0. */
  readonly estimate: number;
  /** Wilson score 95% interval. */
  readonly ci: Interval;
}

const NAN_INTERVAL: Interval = { lower: Number.NaN, upper: Number.NaN };

/** Wilson score interval for a binomial proportion (Wilson 1927; Newcombe 1998, method 3). */
export function wilsonInterval(successes: number, n: number, z = Z95): Interval {
  if (n <= 0) return NAN_INTERVAL;
  const p = successes / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denominator;
  return { lower: Math.max(0, centre - half), upper: Math.min(1, centre + half) };
}

export function proportion(successes: number, n: number): Proportion {
  return { successes, n, estimate: n > 0 ? successes / n : Number.NaN, ci: wilsonInterval(successes, n) };
}

/** log of the binomial pmf P(X = k), X ~ Bin(n, p). */
function logBinomialPmf(k: number, n: number, p: number): number {
  let logChoose = 0;
  for (let i = 1; i <= k; i += 1) logChoose += Math.log((n - k + i) / i);
  const logP = p === 0 ? (k === 0 ? 0 : -Infinity) : k * Math.log(p);
  const logQ = p === 1 ? (k === n ? 0 : -Infinity) : (n - k) * Math.log(1 - p);
  return logChoose + logP + logQ;
}

/**
 * Exact two-sided binomial test of H0: proportion = p. Sums the probabilities of all outcomes no more likely than
 * the observed one (the rule R's binom.test uses, with the same 1e-7 relative tolerance).
 */
export function binomialTestTwoSided(successes: number, n: number, p = 0.5): number {
  if (n <= 0) return Number.NaN;
  const observed = logBinomialPmf(successes, n, p);
  let total = 0;
  for (let k = 0; k <= n; k += 1) {
    const log = logBinomialPmf(k, n, p);
    if (log <= observed + Math.log1p(1e-7)) total += Math.exp(log);
  }
  return Math.min(1, total);
}

export interface Confusion {
  /** Synthetic called synthetic. */
  readonly tp: number;
  /** Synthetic called real (the reader was fooled). */
  readonly fn: number;
  /** Real called real. */
  readonly tn: number;
  /** Real called synthetic. */
  readonly fp: number;
}

export function confusionOf(observations: readonly { readonly positive: boolean; readonly calledPositive: boolean }[]): Confusion {
  let tp = 0;
  let fn = 0;
  let tn = 0;
  let fp = 0;
  for (const o of observations) {
    if (o.positive) {
      if (o.calledPositive) tp += 1;
      else fn += 1;
    } else if (o.calledPositive) fp += 1;
    else tn += 1;
  }
  return { tp, fn, tn, fp };
}

/** Mann–Whitney kernel: 1 if the positive case is rated higher, ½ for a tie, 0 otherwise. */
function kernel(positive: number, negative: number): number {
  return positive > negative ? 1 : positive === negative ? 0.5 : 0;
}

export interface AucEstimate {
  readonly auc: number;
  /** DeLong variance of the AUC (NaN with fewer than 2 positives or 2 negatives). */
  readonly variance: number;
  readonly se: number;
  /** AUC ± 1.96 SE, clipped to [0, 1]. */
  readonly ci: Interval;
  readonly positives: number;
  readonly negatives: number;
}

/**
 * Empirical ROC AUC (the Mann–Whitney U statistic divided by m·n; ties count ½) with the DeLong, DeLong &
 * Clarke-Pearson (1988) variance: V10ᵢ and V01ⱼ are the structural components per positive and per negative case,
 * var = S10/m + S01/n with S the sample variances (denominator m−1, n−1).
 */
export function delongAuc(positives: readonly number[], negatives: readonly number[], z = Z95): AucEstimate | null {
  const m = positives.length;
  const n = negatives.length;
  if (m === 0 || n === 0) return null;
  const v10 = positives.map((x) => negatives.reduce((sum, y) => sum + kernel(x, y), 0) / n);
  const v01 = negatives.map((y) => positives.reduce((sum, x) => sum + kernel(x, y), 0) / m);
  const auc = v10.reduce((a, b) => a + b, 0) / m;
  const variance = m >= 2 && n >= 2 ? sampleVariance(v10) / m + sampleVariance(v01) / n : Number.NaN;
  const se = Math.sqrt(variance);
  const ci = Number.isFinite(se) ? { lower: Math.max(0, auc - z * se), upper: Math.min(1, auc + z * se) } : NAN_INTERVAL;
  return { auc, variance, se, ci, positives: m, negatives: n };
}

/** Hanley & McNeil (1982) standard error of an AUC from its value and the two sample sizes (for comparison). */
export function hanleyMcNeilSe(auc: number, positives: number, negatives: number): number {
  const q1 = auc / (2 - auc);
  const q2 = (2 * auc * auc) / (1 + auc);
  return Math.sqrt((auc * (1 - auc) + (positives - 1) * (q1 - auc * auc) + (negatives - 1) * (q2 - auc * auc)) / (positives * negatives));
}

export interface RocPoint {
  /** Calls "synthetic" when rating ≥ threshold (Infinity for the (0, 0) corner). */
  readonly threshold: number;
  readonly fpr: number;
  readonly tpr: number;
}

/** Empirical ROC operating points from ratings (higher = more likely synthetic), from (0,0) to (1,1). */
export function rocPoints(positives: readonly number[], negatives: readonly number[]): RocPoint[] {
  if (positives.length === 0 || negatives.length === 0) return [];
  const thresholds = [...new Set([...positives, ...negatives])].sort((a, b) => b - a);
  const points: RocPoint[] = [{ threshold: Number.POSITIVE_INFINITY, fpr: 0, tpr: 0 }];
  for (const t of thresholds) {
    points.push({
      threshold: t,
      tpr: positives.filter((x) => x >= t).length / positives.length,
      fpr: negatives.filter((y) => y >= t).length / negatives.length,
    });
  }
  return points;
}

/** Area under a polyline of ROC points by the trapezoid rule (equals the Mann–Whitney AUC for `rocPoints`). */
export function trapezoidArea(points: readonly RocPoint[]): number {
  let area = 0;
  for (let i = 1; i < points.length; i += 1) {
    const a = points[i - 1] as RocPoint;
    const b = points[i] as RocPoint;
    area += ((b.fpr - a.fpr) * (a.tpr + b.tpr)) / 2;
  }
  return area;
}

export interface KappaResult {
  readonly kappa: number;
  /** Observed agreement. */
  readonly observed: number;
  /** Agreement expected by chance. */
  readonly expected: number;
  /** Subjects (cases) used. */
  readonly n: number;
}

/** Cohen's (1960) kappa for two raters over paired categorical ratings. NaN when chance agreement is 1. */
export function cohenKappa<T>(pairs: readonly (readonly [T, T])[]): KappaResult {
  const n = pairs.length;
  if (n === 0) return { kappa: Number.NaN, observed: Number.NaN, expected: Number.NaN, n: 0 };
  const first = new Map<T, number>();
  const second = new Map<T, number>();
  let agree = 0;
  for (const [a, b] of pairs) {
    if (a === b) agree += 1;
    first.set(a, (first.get(a) ?? 0) + 1);
    second.set(b, (second.get(b) ?? 0) + 1);
  }
  const observed = agree / n;
  let expected = 0;
  for (const [category, count] of first) expected += (count / n) * ((second.get(category) ?? 0) / n);
  const kappa = expected === 1 ? Number.NaN : (observed - expected) / (1 - expected);
  return { kappa, observed, expected, n };
}

/**
 * Fleiss' (1971) kappa. `counts[i][j]` = number of raters who put subject i in category j; every subject must have
 * the same number of raters (≥ 2). `observed` is P̄, `expected` is P̄e.
 */
export function fleissKappa(counts: readonly (readonly number[])[]): KappaResult {
  const subjects = counts.length;
  if (subjects === 0) return { kappa: Number.NaN, observed: Number.NaN, expected: Number.NaN, n: 0 };
  const raters = (counts[0] ?? []).reduce((a, b) => a + b, 0);
  if (raters < 2 || counts.some((row) => row.reduce((a, b) => a + b, 0) !== raters)) {
    throw new Error("Fleiss' kappa needs the same number (≥ 2) of ratings for every case.");
  }
  const categories = (counts[0] ?? []).length;
  const columnTotals = new Array<number>(categories).fill(0);
  let agreementSum = 0;
  for (const row of counts) {
    let squares = 0;
    row.forEach((c, j) => {
      columnTotals[j] = (columnTotals[j] ?? 0) + c;
      squares += c * c;
    });
    agreementSum += (squares - raters) / (raters * (raters - 1));
  }
  const observed = agreementSum / subjects;
  const expected = columnTotals.reduce((sum, total) => sum + (total / (subjects * raters)) ** 2, 0);
  const kappa = expected === 1 ? Number.NaN : (observed - expected) / (1 - expected);
  return { kappa, observed, expected, n: subjects };
}

export function mean(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((a, b) => a + b, 0) / values.length;
}

/** Sample variance (denominator n − 1); NaN below two values. */
export function sampleVariance(values: readonly number[]): number {
  if (values.length < 2) return Number.NaN;
  const mu = mean(values);
  return values.reduce((sum, v) => sum + (v - mu) ** 2, 0) / (values.length - 1);
}

/** Quantile by linear interpolation between order statistics (Hyndman & Fan type 7, R's default). */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (h - lo) * (b - a);
}

export interface Spread {
  readonly n: number;
  readonly mean: number;
  readonly sd: number;
  readonly median: number;
  readonly q1: number;
  readonly q3: number;
}

/** n, mean, SD, median and quartiles (type 7) of a sample. */
export function describe(values: readonly number[]): Spread {
  return {
    n: values.length,
    mean: mean(values),
    sd: Math.sqrt(sampleVariance(values)),
    median: quantile(values, 0.5),
    q1: quantile(values, 0.25),
    q3: quantile(values, 0.75),
  };
}

export interface MannWhitneyResult {
  /** U for the first sample (pairs where x > y, ties ½). */
  readonly u: number;
  readonly z: number;
  /** Two-sided p from the normal approximation with tie correction (no continuity correction). */
  readonly p: number;
}

/** Mann–Whitney U test (normal approximation, tie-corrected variance), e.g. realism of real vs synthetic cases. */
export function mannWhitney(x: readonly number[], y: readonly number[]): MannWhitneyResult | null {
  const m = x.length;
  const n = y.length;
  if (m === 0 || n === 0) return null;
  let u = 0;
  for (const a of x) for (const b of y) u += kernel(a, b);
  const all = [...x, ...y];
  const ties = new Map<number, number>();
  for (const v of all) ties.set(v, (ties.get(v) ?? 0) + 1);
  let tieTerm = 0;
  for (const t of ties.values()) tieTerm += t ** 3 - t;
  const total = m + n;
  const variance = ((m * n) / 12) * (total + 1 - tieTerm / (total * (total - 1)));
  if (!(variance > 0)) return { u, z: 0, p: 1 };
  const z = (u - (m * n) / 2) / Math.sqrt(variance);
  return { u, z, p: Math.min(1, 2 * (1 - normalCdf(Math.abs(z)))) };
}
