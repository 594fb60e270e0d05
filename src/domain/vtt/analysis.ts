/**
 * @file From a study and its reader sessions to the numbers a VTT report needs (pure): per reader and pooled
 * accuracy, sensitivity and specificity for spotting synthetic images (Wilson CIs, exact binomial test vs 50%),
 * ROC AUC from the ordinal rating (DeLong CI), d′, realism and plausibility by truth, time per case, and
 * agreement between readers on the real/synthetic call (Cohen's κ for two readers, Fleiss' κ for more) and on every
 * answer scale (Krippendorff's α), and which cues the calls rested on.
 *
 * Skipped (unreadable) cases are left out. "Pooled" treats every reading as one sample; it ignores the
 * correlation between readers, so the MRMC confidence interval should come from iMRMC / RJafroc on the export.
 */
import { keyByCase } from './build-study';
import { isNoFinding } from './case-findings';
import type { ReaderSession } from './reader-session';
import { repeatFlags, sortSessions, type ViewingCounts } from './reader-session';
import { CUES, asksComment, type CaseSource, type Study, type Truth } from './study';
import {
  binomialTestTwoSided,
  cohenKappa,
  confusionOf,
  delongAuc,
  describe,
  fleissKappa,
  mannWhitney,
  mean,
  proportion,
  rocPoints,
  type AucEstimate,
  type Confusion,
  type KappaResult,
  type MannWhitneyResult,
  type Proportion,
  type RocPoint,
  type Spread,
} from './stats';
import { dPrime } from './normal-distribution';
import { krippendorffAlphaWithCi, type AlphaEstimate } from './krippendorff';
import { hashToSeed } from './prng';

/** One answered case by one reader, joined with the hidden truth. */
export interface Reading {
  readonly readerId: string;
  readonly readerLabel: string;
  readonly caseId: string;
  readonly truth: Truth;
  readonly source: CaseSource;
  readonly call: Truth;
  readonly confidence: number;
  readonly rating: number;
  readonly realism: number;
  readonly plausible: boolean | null;
  readonly findings: readonly string[];
  /** Cues ticked; empty when none were ticked or the study did not ask. */
  readonly cues: readonly string[];
  readonly comment: string | null;
  /** Null in answers recorded before viewing tools were counted. */
  readonly viewing: ViewingCounts | null;
  readonly answerMs: number;
  readonly orderIndex: number;
}

/** How often one cue was cited, by what the call and the truth were. */
export interface CueCount {
  readonly cue: string;
  /** Readings that ticked it. */
  readonly cited: number;
  /** Ticked on synthetic images called synthetic: the cue gave a real artefact away. */
  readonly syntheticCalledSynthetic: number;
  /** Ticked on real images called synthetic: the cue misled. */
  readonly realCalledSynthetic: number;
  /** Ticked with a "real" call (the cue looked right). */
  readonly calledReal: number;
  /** Share of the readings that ticked it whose call was right. */
  readonly correct: Proportion;
}

export interface CueAnalysis {
  /** Readings in which the cue question was asked. */
  readonly readings: number;
  /** Of those, readings with at least one cue ticked. */
  readonly withCues: number;
  readonly byCue: readonly CueCount[];
  /** The readers' comments, with what each was about, in reader then reading order. */
  readonly comments: readonly ReaderComment[];
}

export interface ReaderComment {
  /** True for a comment left on a case's second reading (study repeats). */
  readonly secondReading: boolean;
  readonly readerId: string;
  readonly readerLabel: string;
  readonly caseId: string;
  readonly truth: Truth;
  readonly call: Truth;
  readonly comment: string;
}

export interface ReaderMetrics {
  /** Reader id, or `pooled`. */
  readonly readerId: string;
  readonly label: string;
  readonly readings: number;
  readonly confusion: Confusion;
  readonly accuracy: Proportion;
  /** Exact two-sided binomial p of accuracy vs 50% (chance). */
  readonly accuracyVsChanceP: number;
  /** Synthetic images called synthetic. */
  readonly sensitivity: Proportion;
  /** Real images called real. */
  readonly specificity: Proportion;
  /** Share of synthetic images called real (1 − sensitivity). */
  readonly foolingRate: number;
  readonly auc: AucEstimate | null;
  readonly roc: readonly RocPoint[];
  readonly dPrime: number;
  readonly realism: { readonly real: Spread; readonly synthetic: Spread };
  readonly plausible: { readonly real: Proportion; readonly synthetic: Proportion };
  readonly timeMs: Spread;
}

export interface Agreement {
  readonly method: 'cohen' | 'fleiss' | 'none';
  /** κ for the method (NaN when undefined, e.g. every call identical). */
  readonly result: KappaResult | null;
  readonly readers: number;
  /** Cohen's κ for every pair of readers (also given when Fleiss is the headline). */
  readonly pairwise: readonly { readonly a: string; readonly b: string; readonly result: KappaResult }[];
}

export interface SourceGroupMetrics {
  readonly group: string;
  readonly truth: Truth;
  readonly readings: number;
  /** Share of readings that called the truth correctly. */
  readonly correct: Proportion;
}

export interface StudyAnalysis {
  readonly counts: {
    readonly cases: number;
    readonly real: number;
    readonly synthetic: number;
    readonly readers: number;
    readonly readings: number;
    readonly unreadable: number;
    /** Readings still to do for a fully crossed design (every reader reads every case). */
    readonly missing: number;
    /** Cases still to show across all readers, second readings included (0 when every reader has finished). */
    readonly remaining: number;
  };
  readonly readers: readonly ReaderMetrics[];
  readonly pooled: ReaderMetrics | null;
  /** Mean of the per-reader AUCs (no CI here: reader variability needs MRMC analysis). */
  readonly readerAveragedAuc: number | null;
  readonly agreement: Agreement;
  /** Realism of synthetic vs real cases, pooled readings (U for synthetic over real). */
  readonly realismTest: MannWhitneyResult | null;
  readonly bySource: readonly SourceGroupMetrics[];
  /** Cue counts; null when the study did not ask for cues. */
  readonly cues: CueAnalysis | null;
  readonly viewing: ViewingUse;
  /** Agreement of each reader with themselves on cases read twice, and pooled; empty when none were. */
  readonly intraReader: readonly IntraReaderAgreement[];
  /** Agreement between readers on each answer scale; null with fewer than two readers. */
  readonly scaleAgreement: ScaleAgreement | null;
  /** Readers' findings against the cases' known findings; null when the study asked no findings. */
  readonly findings: FindingsAnalysis | null;
  /**
   * Every comment, first readings then second readings (marked); empty when the study asked none. The same list as
   * `cues.comments` where cues were asked; a report study has comments without cues.
   */
  readonly comments: readonly ReaderComment[];
}

/** One checklist item: how often readers ticked it when the case has it, and when it does not, by truth. */
export interface FindingDetection {
  readonly item: string;
  readonly real: { readonly whenPresent: Proportion; readonly whenAbsent: Proportion };
  readonly synthetic: { readonly whenPresent: Proportion; readonly whenAbsent: Proportion };
  /**
   * The real/synthetic call on cases that have the item (every reading of them, ticked or not): real ones called
   * real, synthetic ones called synthetic. Whether a finding makes an image easier to tell apart.
   */
  readonly callRight: { readonly real: Proportion; readonly synthetic: Proportion };
}

export interface FindingsAnalysis {
  /** All first readings, and those of cases whose findings are known. */
  readonly readings: number;
  readonly withKnownFindings: number;
  /**
   * Readings of known cases left out because they ticked nothing: with "No finding" on the checklist, an empty
   * answer is the question skipped, not "none of these" (0 when the checklist has no "No finding").
   */
  readonly unansweredLeftOut: number;
  /** The checklist items some case settles, in checklist order. */
  readonly items: readonly FindingDetection[];
}

/**
 * Krippendorff's α between readers for each answer, over first readings: it uses every case at least two readers
 * have answered (Fleiss' κ above needs every reader on a case), and it fits the ordinal scales, where κ on the call
 * alone throws away how sure the readers were.
 */
export interface ScaleAgreement {
  /** The real/synthetic call, nominal. */
  readonly call: AlphaEstimate;
  /** The 1…2L rating (definitely real … definitely synthetic), ordinal. */
  readonly rating: AlphaEstimate;
  /** Realism 1-5, ordinal. */
  readonly realism: AlphaEstimate;
  /** "Clinically plausible?", nominal; null when the study did not ask. */
  readonly plausible: AlphaEstimate | null;
}

/** How many readings used each viewing tool (readings recorded before they were counted are left out). */
export interface ViewingUse {
  readonly readings: number;
  readonly anyTool: number;
  readonly windowLevel: number;
  readonly zoom: number;
  readonly pan: number;
}

export function viewingUse(readings: readonly Reading[]): ViewingUse {
  const counted = readings.flatMap((r) => (r.viewing ? [r.viewing] : []));
  const used = (pick: (v: ViewingCounts) => number) => counted.filter((v) => pick(v) > 0).length;
  return {
    readings: counted.length,
    anyTool: used((v) => v.windowLevel + v.zoom + v.pan),
    windowLevel: used((v) => v.windowLevel),
    zoom: used((v) => v.zoom),
    pan: used((v) => v.pan),
  };
}

/** A case the reader answered twice: the first reading and the unannounced second one. */
export interface RepeatPair {
  readonly readerId: string;
  readonly first: Reading;
  readonly second: Reading;
}

/**
 * Answered readings joined with the key, plus the number of skipped (unreadable) cases. Second readings of a case
 * (study `repeats`) are not readings here: they come back as `repeats`, paired with the first, when both were
 * answered.
 */
export function collectReadings(study: Study, sessions: readonly ReaderSession[]): { readings: Reading[]; unreadable: number; repeats: RepeatPair[] } {
  const key = keyByCase(study);
  const readings: Reading[] = [];
  const repeats: RepeatPair[] = [];
  let unreadable = 0;
  for (const session of sortSessions(sessions.filter((s) => s.studyId === study.studyId))) {
    const second = repeatFlags(session.answers);
    const firstReading = new Map<string, Reading>();
    session.answers.forEach((answer, index) => {
      const truth = key.get(answer.caseId);
      if (!truth) return;
      const repeat = second[index] === true;
      if (answer.status !== 'answered' || answer.call === null || answer.rating === null || answer.realism === null || answer.confidence === null) {
        if (!repeat) unreadable += 1;
        return;
      }
      const reading: Reading = {
        readerId: session.reader.readerId,
        readerLabel: session.reader.label,
        caseId: answer.caseId,
        truth: truth.truth,
        source: truth.source,
        call: answer.call,
        confidence: answer.confidence,
        rating: answer.rating,
        realism: answer.realism,
        plausible: answer.plausible,
        findings: answer.findings,
        cues: answer.cues ?? [],
        comment: answer.comment ?? null,
        viewing: answer.viewing ?? null,
        answerMs: answer.timing.answerMs,
        orderIndex: answer.orderIndex,
      };
      if (!repeat) {
        readings.push(reading);
        firstReading.set(answer.caseId, reading);
        return;
      }
      const first = firstReading.get(answer.caseId);
      if (first) repeats.push({ readerId: session.reader.readerId, first, second: reading });
    });
  }
  return { readings, unreadable, repeats };
}

/** The readings' comments, each with what it was about (none for readings without one). */
function commentsOf(readings: readonly Reading[], secondReading: boolean): ReaderComment[] {
  return readings.flatMap((r) =>
    r.comment === null ? [] : [{ secondReading, readerId: r.readerId, readerLabel: r.readerLabel, caseId: r.caseId, truth: r.truth, call: r.call, comment: r.comment }],
  );
}

/** One reader's (or the pooled) agreement with themselves on the cases read twice. */
export interface IntraReaderAgreement {
  readonly readerId: string;
  readonly label: string;
  /** Cohen's κ between the first and second real/synthetic call. */
  readonly call: KappaResult;
  /** Mean absolute difference between the two ordinal ratings (0 = identical). */
  readonly ratingDifference: number;
}

/** Per reader with pairs, then pooled when more than one reader has them. */
function intraReaderAll(ordered: readonly ReaderSession[], repeats: readonly RepeatPair[]): IntraReaderAgreement[] {
  const perReader = ordered
    .map((s) => intraReaderOf(s.reader.readerId, s.reader.label, repeats.filter((p) => p.readerId === s.reader.readerId)))
    .filter((a) => a.call.n > 0);
  return perReader.length > 1 ? [...perReader, intraReaderOf('pooled', 'Pooled', repeats)] : perReader;
}

function intraReaderOf(readerId: string, label: string, pairs: readonly RepeatPair[]): IntraReaderAgreement {
  return {
    readerId,
    label,
    call: cohenKappa(pairs.map((p) => [p.first.call, p.second.call] as const)),
    ratingDifference: pairs.length > 0 ? mean(pairs.map((p) => Math.abs(p.first.rating - p.second.rating))) : Number.NaN,
  };
}

function metricsFor(readerId: string, label: string, readings: readonly Reading[]): ReaderMetrics {
  const confusion = confusionOf(readings.map((r) => ({ positive: r.truth === 'synthetic', calledPositive: r.call === 'synthetic' })));
  const correct = confusion.tp + confusion.tn;
  const positives = readings.filter((r) => r.truth === 'synthetic');
  const negatives = readings.filter((r) => r.truth === 'real');
  const sensitivity = proportion(confusion.tp, confusion.tp + confusion.fn);
  const plausibleOf = (list: readonly Reading[]) => {
    const asked = list.filter((r) => r.plausible !== null);
    return proportion(asked.filter((r) => r.plausible === true).length, asked.length);
  };
  return {
    readerId,
    label,
    readings: readings.length,
    confusion,
    accuracy: proportion(correct, readings.length),
    accuracyVsChanceP: binomialTestTwoSided(correct, readings.length),
    sensitivity,
    specificity: proportion(confusion.tn, confusion.tn + confusion.fp),
    foolingRate: 1 - sensitivity.estimate,
    auc: delongAuc(
      positives.map((r) => r.rating),
      negatives.map((r) => r.rating),
    ),
    roc: rocPoints(
      positives.map((r) => r.rating),
      negatives.map((r) => r.rating),
    ),
    dPrime: dPrime(confusion.tp, positives.length, confusion.fp, negatives.length),
    realism: { real: describe(negatives.map((r) => r.realism)), synthetic: describe(positives.map((r) => r.realism)) },
    plausible: { real: plausibleOf(negatives), synthetic: plausibleOf(positives) },
    timeMs: describe(readings.map((r) => r.answerMs)),
  };
}

function agreementOf(readings: readonly Reading[], readerIds: readonly string[], labels: ReadonlyMap<string, string>): Agreement {
  const callsByCase = new Map<string, Map<string, Truth>>();
  for (const r of readings) {
    const calls = callsByCase.get(r.caseId) ?? new Map<string, Truth>();
    calls.set(r.readerId, r.call);
    callsByCase.set(r.caseId, calls);
  }
  const pairwise: { a: string; b: string; result: KappaResult }[] = [];
  for (let i = 0; i < readerIds.length; i += 1) {
    for (let j = i + 1; j < readerIds.length; j += 1) {
      const a = readerIds[i] as string;
      const b = readerIds[j] as string;
      const pairs: [Truth, Truth][] = [];
      for (const calls of callsByCase.values()) {
        const x = calls.get(a);
        const y = calls.get(b);
        if (x !== undefined && y !== undefined) pairs.push([x, y]);
      }
      pairwise.push({ a: labels.get(a) ?? a, b: labels.get(b) ?? b, result: cohenKappa(pairs) });
    }
  }
  if (readerIds.length < 2) return { method: 'none', result: null, readers: readerIds.length, pairwise };
  if (readerIds.length === 2) return { method: 'cohen', result: pairwise[0]?.result ?? null, readers: 2, pairwise };
  // Fleiss needs the same raters per case: use the cases every reader has answered.
  const table: number[][] = [];
  for (const calls of callsByCase.values()) {
    if (calls.size !== readerIds.length) continue;
    let synthetic = 0;
    for (const call of calls.values()) if (call === 'synthetic') synthetic += 1;
    table.push([readerIds.length - synthetic, synthetic]);
  }
  return { method: 'fleiss', result: table.length > 0 ? fleissKappa(table) : null, readers: readerIds.length, pairwise };
}

function sourceGroup(source: CaseSource, truth: Truth): string {
  switch (source.kind) {
    case 'local-file':
      return `${truth}: local ${source.fileType.toUpperCase()} files`;
    case 'bundled-example':
      return `${truth}: bundled phantoms (${source.view})`;
    case 'history':
      return `${truth}: ${source.directionId.replace('>', ' → ')} (${source.view})`;
  }
}

/** Cue counts over the readings, in `CUES` order (cues no reading ticked included, as zeros), and their comments. */
function analyseCues(readings: readonly Reading[], comments: readonly ReaderComment[]): CueAnalysis {
  const byCue = CUES.map((cue): CueCount => {
    const citing = readings.filter((r) => r.cues.includes(cue));
    return {
      cue,
      cited: citing.length,
      syntheticCalledSynthetic: citing.filter((r) => r.truth === 'synthetic' && r.call === 'synthetic').length,
      realCalledSynthetic: citing.filter((r) => r.truth === 'real' && r.call === 'synthetic').length,
      calledReal: citing.filter((r) => r.call === 'real').length,
      correct: proportion(citing.filter((r) => r.call === r.truth).length, citing.length),
    };
  });
  return {
    readings: readings.length,
    withCues: readings.filter((r) => r.cues.length > 0).length,
    byCue,
    comments,
  };
}

export function analyseStudy(study: Study, sessions: readonly ReaderSession[]): StudyAnalysis {
  const { readings, unreadable, repeats } = collectReadings(study, sessions);
  // first-reading comments, then those left on second readings (marked)
  const comments = asksComment(study.settings)
    ? [
        ...commentsOf(readings, false),
        ...commentsOf(
          repeats.map((p) => p.second),
          true,
        ),
      ]
    : [];
  const ordered = sortSessions(sessions.filter((s) => s.studyId === study.studyId));
  const readerIds = ordered.map((s) => s.reader.readerId);
  const labels = new Map(ordered.map((s) => [s.reader.readerId, s.reader.label]));
  const readers = ordered
    .map((s) => metricsFor(s.reader.readerId, s.reader.label, readings.filter((r) => r.readerId === s.reader.readerId)))
    .filter((m) => m.readings > 0);
  const aucs = readers.map((m) => m.auc?.auc).filter((a): a is number => a !== undefined && Number.isFinite(a));
  const synthetic = study.key.filter((k) => k.truth === 'synthetic').length;

  const groups = new Map<string, Reading[]>();
  for (const r of readings) {
    const name = sourceGroup(r.source, r.truth);
    groups.set(name, [...(groups.get(name) ?? []), r]);
  }
  const bySource = [...groups.entries()]
    .map(([group, list]) => ({
      group,
      truth: (list[0] as Reading).truth,
      readings: list.length,
      correct: proportion(list.filter((r) => r.call === r.truth).length, list.length),
    }))
    .sort((a, b) => a.group.localeCompare(b.group));

  return {
    counts: {
      cases: study.cases.length,
      real: study.cases.length - synthetic,
      synthetic,
      readers: ordered.length,
      readings: readings.length,
      unreadable,
      missing: ordered.length * study.cases.length - readings.length - unreadable,
      remaining: ordered.reduce((sum, s) => sum + Math.max(0, s.order.length - s.answers.length), 0),
    },
    readers,
    pooled: readings.length > 0 ? metricsFor('pooled', 'Pooled', readings) : null,
    readerAveragedAuc: aucs.length > 0 ? mean(aucs) : null,
    agreement: agreementOf(readings, readers.map((m) => m.readerId), labels),
    realismTest: mannWhitney(
      readings.filter((r) => r.truth === 'synthetic').map((r) => r.realism),
      readings.filter((r) => r.truth === 'real').map((r) => r.realism),
    ),
    bySource,
    // the cue table lists the same comments (a report study has comments but no cues)
    cues: study.settings.questions.askCues === true ? analyseCues(readings, comments) : null,
    viewing: viewingUse(readings),
    intraReader: intraReaderAll(ordered, repeats),
    scaleAgreement: readers.length >= 2 ? scaleAgreementOf(study, readings) : null,
    findings: study.settings.questions.findings.length > 0 ? findingsAnalysis(study, readings) : null,
    comments,
  };
}

/**
 * Per checklist item and truth: the share of readings that ticked it on cases that have it (for a synthetic image,
 * cases made from a case that has it) and on cases that do not. Cases with unknown findings are left out.
 */
function findingsAnalysis(study: Study, readings: readonly Reading[]): FindingsAnalysis {
  const key = keyByCase(study);
  const withKnown = readings.flatMap((r) => {
    const truth = key.get(r.caseId)?.findingTruth;
    return truth ? [{ reading: r, truth }] : [];
  });
  const offersNoFinding = study.settings.questions.findings.some(isNoFinding);
  const known = offersNoFinding ? withKnown.filter((k) => k.reading.findings.length > 0) : withKnown;
  const items = study.settings.questions.findings
    .filter((item) => withKnown.some((k) => k.truth[item] !== undefined))
    .map((item): FindingDetection => {
      const share = (truth: Truth, present: boolean) => {
        const relevant = known.filter((k) => k.reading.truth === truth && k.truth[item] === present);
        return proportion(relevant.filter((k) => k.reading.findings.includes(item)).length, relevant.length);
      };
      const rightCall = (truth: Truth) => {
        const relevant = withKnown.filter((k) => k.reading.truth === truth && k.truth[item] === true);
        return proportion(relevant.filter((k) => k.reading.call === truth).length, relevant.length);
      };
      return {
        item,
        real: { whenPresent: share('real', true), whenAbsent: share('real', false) },
        synthetic: { whenPresent: share('synthetic', true), whenAbsent: share('synthetic', false) },
        callRight: { real: rightCall('real'), synthetic: rightCall('synthetic') },
      };
    });
  return { readings: readings.length, withKnownFindings: withKnown.length, unansweredLeftOut: withKnown.length - known.length, items };
}

/** The findings with a counted reading in the ticked-findings table (the others would be a row of dashes). */
export function findingsWithTicks(findings: FindingsAnalysis): FindingDetection[] {
  return findings.items.filter((f) => f.real.whenPresent.n + f.real.whenAbsent.n + f.synthetic.whenPresent.n + f.synthetic.whenAbsent.n > 0);
}

/** The findings some case has, so that the call on those cases can be given. */
export function findingsWithCalls(findings: FindingsAnalysis): FindingDetection[] {
  return findings.items.filter((f) => f.callRight.real.n + f.callRight.synthetic.n > 0);
}

/** Bootstrap resamples for the α intervals; seeded by the study id and the item, so an analysis is reproducible. */
export const ALPHA_RESAMPLES = 1000;

function scaleAgreementOf(study: Study, readings: readonly Reading[]): ScaleAgreement {
  const byCase = new Map<string, Reading[]>();
  for (const r of readings) byCase.set(r.caseId, [...(byCase.get(r.caseId) ?? []), r]);
  const cases = [...byCase.values()];
  const estimate = (item: string, metric: 'nominal' | 'ordinal', value: (r: Reading) => number | null): AlphaEstimate =>
    krippendorffAlphaWithCi(
      cases.map((list) => list.map(value).filter((v): v is number => v !== null)),
      metric,
      { seed: hashToSeed(`${study.studyId}:alpha:${item}`), resamples: ALPHA_RESAMPLES },
    );
  return {
    call: estimate('call', 'nominal', (r) => (r.call === 'synthetic' ? 1 : 0)),
    rating: estimate('rating', 'ordinal', (r) => r.rating),
    realism: estimate('realism', 'ordinal', (r) => r.realism),
    plausible: study.settings.questions.askPlausibility ? estimate('plausible', 'nominal', (r) => (r.plausible === null ? null : r.plausible ? 1 : 0)) : null,
  };
}

