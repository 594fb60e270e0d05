/**
 * @file Krippendorff's α: agreement between readers on a scale, for any number of readers, with missing readings.
 *
 * Built from the coincidence matrix as in Krippendorff, "Computing Krippendorff's Alpha-Reliability" (2011):
 * every case read by m ≥ 2 readers adds each ordered pair of its values with weight 1 / (m − 1); α = 1 − D_o / D_e,
 * observed over expected disagreement, with the nominal, ordinal or interval difference function. Cases read by one
 * reader add nothing. The 95 % interval is a percentile bootstrap over cases (resampling whole cases with their
 * readings, as Zapf et al., BMC Med Res Methodol 2016;16:93 recommend for α), seeded so an analysis is reproducible.
 */
import { createSeededRandom } from './prng';
import { quantile, type Interval } from './stats';

export type AlphaMetric = 'nominal' | 'ordinal' | 'interval';

export interface AlphaResult {
  /** NaN when no disagreement could be expected (every pairable value the same, or nothing pairable). */
  readonly alpha: number;
  /** Cases with at least two readings (the only ones α uses). */
  readonly units: number;
  /** Readings in those cases (n of the coincidence matrix). */
  readonly values: number;
  /** Observed and expected disagreement, D_o and D_e. */
  readonly observed: number;
  readonly expected: number;
  /**
   * Share of the pairs of readings of a case (weighted as in the coincidence matrix) that give the same value: the
   * plain agreement α corrects for chance, shown beside it because α can be near 0 while most readings agree (when
   * almost every reading gives one answer, chance alone would agree that often).
   */
  readonly exactAgreement: number;
}

export interface AlphaEstimate extends AlphaResult {
  readonly metric: AlphaMetric;
  /** Percentile bootstrap 95 % interval over cases; null when too few resamples had a defined α. */
  readonly ci: Interval | null;
  readonly resamples: number;
}

/**
 * One case's readings as its coincidence-matrix entries: cell index (c·k + d) and weight, summed per cell, so a case
 * read by many readers costs at most k² entries in every bootstrap resample, not one per pair of readers.
 */
interface UnitPairs {
  readonly cells: readonly number[];
  readonly weights: readonly number[];
  readonly values: number;
}

/** `units[i]`: the values case i received (missing readings left out). Values are numbers on the scale. */
export function krippendorffAlpha(units: readonly (readonly number[])[], metric: AlphaMetric): AlphaResult {
  const { categories, unitPairs } = prepare(units);
  return alphaOfUnits(unitPairs, categories, metric);
}

/**
 * α with a percentile bootstrap interval: `resamples` draws of as many cases as there are pairable cases, with
 * replacement. Resamples whose α is undefined are dropped; with fewer than 90 % defined, no interval is given.
 */
export function krippendorffAlphaWithCi(
  units: readonly (readonly number[])[],
  metric: AlphaMetric,
  options: { readonly seed: number; readonly resamples?: number },
): AlphaEstimate {
  const resamples = options.resamples ?? 1000;
  const { categories, unitPairs } = prepare(units);
  const point = alphaOfUnits(unitPairs, categories, metric);
  if (!Number.isFinite(point.alpha) || unitPairs.length < 2) return { ...point, metric, ci: null, resamples: 0 };
  const random = createSeededRandom(options.seed);
  const alphas: number[] = [];
  const drawn: UnitPairs[] = new Array<UnitPairs>(unitPairs.length);
  for (let r = 0; r < resamples; r += 1) {
    for (let i = 0; i < unitPairs.length; i += 1) drawn[i] = unitPairs[Math.floor(random() * unitPairs.length)] as UnitPairs;
    const a = alphaOfUnits(drawn, categories, metric).alpha;
    if (Number.isFinite(a)) alphas.push(a);
  }
  if (alphas.length < 0.9 * resamples) return { ...point, metric, ci: null, resamples };
  return { ...point, metric, ci: { lower: quantile(alphas, 0.025), upper: quantile(alphas, 0.975) }, resamples };
}

function prepare(units: readonly (readonly number[])[]): { categories: readonly number[]; unitPairs: UnitPairs[] } {
  const pairable = units.filter((u) => u.length >= 2);
  for (const u of pairable) {
    for (const v of u) if (!Number.isFinite(v)) throw new Error(`Krippendorff's α needs numbers on the scale, got ${String(v)}`);
  }
  const categories = [...new Set(pairable.flat())].sort((a, b) => a - b);
  const index = new Map(categories.map((c, i) => [c, i]));
  const k = categories.length;
  const unitPairs = pairable.map((u) => {
    const weight = 1 / (u.length - 1);
    const byCell = new Map<number, number>();
    for (let i = 0; i < u.length; i += 1) {
      for (let j = 0; j < u.length; j += 1) {
        if (i === j) continue;
        const cell = (index.get(u[i] as number) as number) * k + (index.get(u[j] as number) as number);
        byCell.set(cell, (byCell.get(cell) ?? 0) + weight);
      }
    }
    return { cells: [...byCell.keys()], weights: [...byCell.values()], values: u.length };
  });
  return { categories, unitPairs };
}

function alphaOfUnits(units: readonly UnitPairs[], categories: readonly number[], metric: AlphaMetric): AlphaResult {
  const k = categories.length;
  const coincidence = new Float64Array(k * k);
  let values = 0;
  for (const unit of units) {
    values += unit.values;
    for (let i = 0; i < unit.cells.length; i += 1) {
      const cell = unit.cells[i] as number;
      coincidence[cell] = (coincidence[cell] as number) + (unit.weights[i] as number);
    }
  }
  const marginals = new Float64Array(k);
  for (let c = 0; c < k; c += 1) {
    let sum = 0;
    for (let d = 0; d < k; d += 1) sum += coincidence[c * k + d] as number;
    marginals[c] = sum;
  }
  const delta = differences(categories, marginals, metric);
  let observed = 0;
  let expected = 0;
  for (let c = 0; c < k; c += 1) {
    for (let d = 0; d < k; d += 1) {
      const dd = delta[c * k + d] as number;
      observed += (coincidence[c * k + d] as number) * dd;
      expected += (marginals[c] as number) * (marginals[d] as number) * dd;
    }
  }
  const n = values;
  const Do = n > 0 ? observed / n : Number.NaN;
  const De = n > 1 ? expected / (n * (n - 1)) : Number.NaN;
  const alpha = De > 0 ? 1 - Do / De : Number.NaN;
  let same = 0;
  for (let c = 0; c < k; c += 1) same += coincidence[c * k + c] as number;
  return { alpha, units: units.length, values: n, observed: Do, expected: De, exactAgreement: n > 0 ? same / n : Number.NaN };
}

/** Squared difference δ² between every two categories (Krippendorff 2011, section E). */
function differences(categories: readonly number[], marginals: Float64Array, metric: AlphaMetric): Float64Array {
  const k = categories.length;
  const delta = new Float64Array(k * k);
  for (let c = 0; c < k; c += 1) {
    for (let d = 0; d < k; d += 1) {
      if (c === d) continue;
      if (metric === 'nominal') {
        delta[c * k + d] = 1;
      } else if (metric === 'interval') {
        delta[c * k + d] = ((categories[c] as number) - (categories[d] as number)) ** 2;
      } else {
        // ordinal: the values' frequencies from c to d, less half of each end's own frequency
        const lo = Math.min(c, d);
        const hi = Math.max(c, d);
        let between = 0;
        for (let g = lo; g <= hi; g += 1) between += marginals[g] as number;
        delta[c * k + d] = (between - ((marginals[c] as number) + (marginals[d] as number)) / 2) ** 2;
      }
    }
  }
  return delta;
}
