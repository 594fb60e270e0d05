/** @file Display formatting for reader-study numbers (pure). Undefined statistics show as an em dash. */
import type { Agreement, IntraReaderAgreement, ReaderMetrics, StudyAnalysis, ViewingUse } from '../../domain/vtt/analysis';
import { plural } from '../../domain/vtt/build-study';
import type { AlphaEstimate } from '../../domain/vtt/krippendorff';
import type { Interval, Proportion, Spread } from '../../domain/vtt/stats';

const DASH = '—';

export function percent(value: number, digits = 1): string {
  return Number.isFinite(value) ? `${(value * 100).toFixed(digits)}%` : DASH;
}

export function fixed(value: number | null | undefined, digits = 3): string {
  return value !== null && value !== undefined && Number.isFinite(value) ? value.toFixed(digits) : DASH;
}

export function interval(ci: Interval, format: (v: number) => string): string {
  return Number.isFinite(ci.lower) && Number.isFinite(ci.upper) ? `${format(ci.lower)}–${format(ci.upper)}` : DASH;
}

/** "87.5% (7/8; 52.9–97.8%)" */
export function proportionText(p: Proportion): string {
  if (p.n === 0) return DASH;
  return `${percent(p.estimate)} (${p.successes}/${p.n}; ${interval(p.ci, (v) => (v * 100).toFixed(1))}%)`;
}

export function pValue(p: number): string {
  if (!Number.isFinite(p)) return DASH;
  return p < 0.001 ? '< 0.001' : p.toFixed(3);
}

/** Mean ± SD (n) of a Likert score. */
export function likertText(s: Spread): string {
  return s.n === 0 ? DASH : `${s.mean.toFixed(2)} ± ${Number.isFinite(s.sd) ? s.sd.toFixed(2) : '0.00'} (n=${s.n})`;
}

/** Median [IQR] of a Likert score: "5 [4.75–5]" (quartiles interpolate, so up to two decimals). */
export function likertMedianText(s: Spread): string {
  const v = (x: number) => String(Number(x.toFixed(2)));
  return s.n === 0 ? DASH : `${v(s.median)} [${v(s.q1)}–${v(s.q3)}]`;
}

/** Median [IQR] of milliseconds as seconds. */
export function secondsText(s: Spread): string {
  return s.n === 0 ? DASH : `${(s.median / 1000).toFixed(1)} s [${(s.q1 / 1000).toFixed(1)}–${(s.q3 / 1000).toFixed(1)}]`;
}

/** α, or why it is undefined (the same words on the screen and in the printable summary). */
export function alphaValueText(a: AlphaEstimate): string {
  if (Number.isFinite(a.alpha)) return fixed(a.alpha);
  return a.units === 0 ? 'no case read by two readers yet' : 'undefined: every reading gave the same answer';
}

/** α's bootstrap interval, or why there is none; empty when α itself is undefined. */
export function alphaCiText(a: AlphaEstimate): string {
  if (!Number.isFinite(a.alpha)) return '';
  // with too few cases, or one answer nearly everywhere, many resamples hold no disagreement at all
  return a.ci ? interval(a.ci, (v) => v.toFixed(3)) : 'too little disagreement to bootstrap';
}

/** What α means, under its table (screen and summary). */
export function alphaNote(resamples: number): string {
  return (
    "Krippendorff's α over the first readings of every case that at least two readers answered: how much the readers agree with each " +
    'other beyond chance (1 perfect, 0 what chance gives), not whether they are right. α can be near 0 while most readings agree, when ' +
    'nearly every reading gives the same answer; the plain share of agreeing pairs is beside it. Krippendorff asks a rating scale for at ' +
    `least 0.800 (0.667 for tentative conclusions). The 95% interval is a bootstrap over cases (${resamples} resamples, seeded by the ` +
    'study, so it is the same every time).'
  );
}


/** The rating scale's name in the α table. */
export function ratingScaleName(points: number): string {
  return `Rating 1–${points} (definitely real … definitely synthetic)`;
}

/** The study's design in counts: "8 cases (4 real, 4 synthetic)", "2 readers", "16 readings", …, "fully crossed". */
export function designParts(counts: StudyAnalysis['counts'], kind: 'image' | 'report' = 'image'): string[] {
  const cases = `${counts.cases} ${kind === 'report' ? 'report ' : ''}cases (${counts.real} real, ${counts.synthetic} synthetic)`;
  const parts = [cases, plural(counts.readers, 'reader'), plural(counts.readings, 'reading')];
  if (counts.unreadable > 0) parts.push(`${counts.unreadable} skipped (unreadable)`);
  if (counts.missing > 0) parts.push(`${counts.missing} still to read`);
  else if (counts.remaining > 0) parts.push(`${counts.remaining} second readings still to do`);
  else if (counts.readers > 0) parts.push('fully crossed');
  return parts;
}

/*
 * The analysis sentences, shared by the screen (AnalysisView) and the printable summary (summary-html), so the
 * two say the same thing in the same words.
 */

/** Why the pooled row is not the MRMC answer, with the reader-averaged AUC and the fooling rate. */
export function pooledNote(readerAveragedAuc: number | null, pooled: ReaderMetrics): string {
  return (
    'Pooled treats all readings as one sample and ignores reader variability; for the MRMC confidence interval of the reader-averaged AUC ' +
    `(here ${fixed(readerAveragedAuc)}), analyse the iMRMC export. Fooling rate (synthetic called real): ${percent(pooled.foolingRate)}.`
  );
}

/** "Cohen's κ = -0.067 (8 cases, observed agreement 50.0%)", or why there is none. */
export function kappaText(agreement: Agreement): string {
  if (!agreement.result) return 'needs at least two readers';
  const name = agreement.method === 'cohen' ? "Cohen's κ" : agreement.method === 'fleiss' ? "Fleiss' κ" : 'κ';
  return `${name} = ${fixed(agreement.result.kappa)} (${agreement.result.n} cases, observed agreement ${percent(agreement.result.observed)})`;
}

/** One pair of readers' κ, listed under Fleiss' κ. */
export function pairwiseKappaText(pair: Agreement['pairwise'][number]): string {
  return `Cohen's κ ${pair.a}–${pair.b}: ${fixed(pair.result.kappa)} (${pair.result.n} cases)`;
}

/** A reader's agreement with themselves on the cases read twice. */
export function selfAgreementText(a: IntraReaderAgreement): string {
  // κ is undefined when every reading made the same call (no chance agreement to correct for).
  const kappa = Number.isFinite(a.call.kappa) ? `κ = ${fixed(a.call.kappa)}` : 'κ undefined (one call throughout)';
  return `${kappa} (${a.call.n} cases, same call ${percent(a.call.observed)}, rating moved ${fixed(a.ratingDifference, 2)} points on average)`;
}

/** Realism of synthetic against real images (median [IQR], Mann–Whitney), and plausibility where it was asked. */
export function realismText(analysis: StudyAnalysis, pooled: ReaderMetrics, askPlausibility: boolean): string {
  const test = analysis.realismTest ? `U = ${analysis.realismTest.u}, p = ${pValue(analysis.realismTest.p)}` : DASH;
  const plausible = askPlausibility ? ` Plausible: real ${proportionText(pooled.plausible.real)}, synthetic ${proportionText(pooled.plausible.synthetic)}.` : '';
  return `Realism, synthetic vs real (pooled readings): median [IQR] ${likertMedianText(pooled.realism.synthetic)} vs ${likertMedianText(pooled.realism.real)}, Mann–Whitney ${test}.${plausible}`;
}

/** How many readings used the viewing tools. */
export function viewingText(v: ViewingUse): string {
  return `Viewing tools used in ${v.anyTool} of ${v.readings} readings (window/level ${v.windowLevel}, zoom ${v.zoom}, pan ${v.pan}).`;
}

/**
 * The per-reader table's columns, in order, for the analysis screen and the printable summary alike. `numeric`
 * columns align right; the keys double as the screen's test ids.
 */
export const READER_METRIC_COLUMNS = [
  { key: 'reader', title: 'Reader', numeric: false },
  { key: 'readings', title: 'Readings', numeric: true },
  { key: 'acc', title: 'Accuracy (95% CI)', numeric: false },
  { key: 'acc-p', title: 'p vs 50%', numeric: true },
  { key: 'sens', title: 'Sensitivity: synthetic spotted', numeric: false },
  { key: 'spec', title: 'Specificity: real called real', numeric: false },
  { key: 'auc', title: 'ROC AUC (95% CI, DeLong)', numeric: false },
  { key: 'd-prime', title: 'd′', numeric: true },
  { key: 'realism-real', title: 'Realism, real', numeric: false },
  { key: 'realism-synthetic', title: 'Realism, synthetic', numeric: false },
  { key: 'time', title: 'Time per case, median [IQR]', numeric: false },
] as const;

export type ReaderMetricKey = (typeof READER_METRIC_COLUMNS)[number]['key'];

/** One reader's (or the pooled) row of that table, as text. */
export function readerMetricCells(m: ReaderMetrics): Record<ReaderMetricKey, string> {
  return {
    reader: m.label,
    readings: String(m.readings),
    acc: proportionText(m.accuracy),
    'acc-p': pValue(m.accuracyVsChanceP),
    sens: proportionText(m.sensitivity),
    spec: proportionText(m.specificity),
    auc: m.auc ? `${fixed(m.auc.auc)} (${interval(m.auc.ci, (v) => v.toFixed(3))})` : DASH,
    'd-prime': fixed(m.dPrime, 2),
    'realism-real': likertText(m.realism.real),
    'realism-synthetic': likertText(m.realism.synthetic),
    time: secondsText(m.timeMs),
  };
}
