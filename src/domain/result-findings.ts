/**
 * @file What a result shows about findings, label by label: the phantom classifier's verdict on each generated
 * image, the labeler's on a generated report, and, when the inputs came from a bundled phantom case, that case's
 * ground truth beside them (the studio's own small version of the paper's evaluation, one case at a time).
 */
import type { ClassifierResult } from '../contracts/engine-api';
import type { Modality } from '../contracts/modality';
import type { ExampleCase } from './example-cases';
import { positiveLabels } from './example-cases';
import type { LabelValue } from './labeler';

export type Finding = 'present' | 'absent' | 'uncertain' | 'unknown';

/** How a verdict reads in the findings tables (an unknown one as a dash). */
export const FINDING_TEXT: Readonly<Record<Finding, string>> = { present: 'present', absent: 'absent', uncertain: 'uncertain', unknown: '—' };

/** Classifier probability at or above this counts as present: the toolchain's evaluation cut (it counts p > 0.5). */
export const CLASSIFIER_THRESHOLD = 0.5;

/** The labeler's value for a label, for a report the labeler has read (not mentioned = absent). */
export function findingFromLabel(value: LabelValue | undefined): Finding {
  if (value === 1) return 'present';
  if (value === -1) return 'uncertain';
  return 'absent';
}

export function findingFromProb(prob: number): Finding {
  return prob >= CLASSIFIER_THRESHOLD ? 'present' : 'absent';
}

/** The classifier's answer as label → probability (a label without a probability counts 0). */
export function probsByLabel(result: ClassifierResult): Record<string, number> {
  return Object.fromEntries(result.labels.map((label, i) => [label, result.probs[i] ?? 0]));
}

export interface ImageFinding {
  readonly label: string;
  readonly prob: number;
  readonly finding: Finding;
}

/** The classifier's output as one verdict per label, most probable first. */
export function imageFindings(result: ClassifierResult): ImageFinding[] {
  if (result.labels.length !== result.probs.length) {
    throw new Error(`The classifier returned ${result.probs.length} probabilities for ${result.labels.length} labels`);
  }
  return result.labels
    .map((label, i) => {
      const prob = result.probs[i] as number;
      if (!Number.isFinite(prob)) throw new Error(`The classifier returned no valid probability for ${label}`);
      return { label, prob, finding: findingFromProb(prob) };
    })
    .sort((a, b) => b.prob - a.prob);
}

/** The bundled phantom case a result's inputs all came from, with its ground truth (kept in the history record). */
export interface SourceCase {
  readonly id: string;
  readonly title?: string;
  /** Ground truth per label: 1 present, 0 absent. */
  readonly labels: Readonly<Record<string, 0 | 1>>;
}

/** A stored `sourceCase` as the app can use it, or null (a record written by another version, or damaged). */
export function parseSourceCase(value: unknown): SourceCase | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as { id?: unknown; title?: unknown; labels?: unknown };
  if (typeof v.id !== 'string' || v.id === '' || typeof v.labels !== 'object' || v.labels === null || Array.isArray(v.labels)) return null;
  const labels = Object.entries(v.labels as Record<string, unknown>);
  if (labels.some(([, x]) => x !== 0 && x !== 1)) return null;
  return { id: v.id, ...(typeof v.title === 'string' ? { title: v.title } : {}), labels: Object.fromEntries(labels) as Record<string, 0 | 1> };
}

export function sourceCaseOf(example: ExampleCase): SourceCase {
  const present = new Set(positiveLabels(example.labels));
  return {
    id: example.id,
    ...(example.title !== undefined ? { title: example.title } : {}),
    labels: Object.fromEntries(Object.keys(example.labels).map((label) => [label, present.has(label) ? 1 : 0])),
  };
}

/** What each output of a result says about the findings (any may be missing). */
export interface OutputFindings {
  readonly report?: Readonly<Record<string, LabelValue>>;
  readonly frontal?: ClassifierResult;
  readonly lateral?: ClassifierResult;
}

export interface SourceComparisonRow {
  readonly label: string;
  readonly source: Finding;
  /** Per output present in the result: its verdict and whether it matches the source case. */
  readonly outputs: Partial<Record<Modality, { readonly finding: Finding; readonly agrees: boolean }>>;
}

export interface SourceComparison {
  readonly rows: readonly SourceComparisonRow[];
  /** Per output: on how many labels it agrees with the source case, of those the case has ground truth for. */
  readonly agreement: Partial<Record<Modality, { readonly agree: number; readonly of: number }>>;
}

/** What one output says about one label; null when that output has not been read (no report, classifier pending). */
export function outputFinding(findings: OutputFindings, modality: Modality, label: string): Finding | null {
  if (modality === 'report') return findings.report ? findingFromLabel(findings.report[label]) : null;
  const result = findings[modality];
  if (!result) return null;
  const i = result.labels.indexOf(label);
  const prob = i >= 0 ? result.probs[i] : undefined;
  return prob === undefined ? 'unknown' : findingFromProb(prob);
}

/**
 * Each label of `labels` (the classifier's, which the labeler shares) in the source case and in every output.
 * "Uncertain" never agrees: the case's ground truth is certain either way.
 */
export function compareWithSource(source: SourceCase, findings: OutputFindings, labels: readonly string[]): SourceComparison {
  const modalities = (['frontal', 'lateral', 'report'] as const).filter((m) => findings[m] !== undefined);
  const agreement: Partial<Record<Modality, { agree: number; of: number }>> = {};
  for (const m of modalities) agreement[m] = { agree: 0, of: 0 };
  const rows = labels.map((label) => {
    const truth = source.labels[label];
    const sourceFinding: Finding = truth === 1 ? 'present' : truth === 0 ? 'absent' : 'unknown';
    const outputs: Partial<Record<Modality, { finding: Finding; agrees: boolean }>> = {};
    for (const m of modalities) {
      const finding = outputFinding(findings, m, label);
      if (finding === null) continue;
      const known = sourceFinding !== 'unknown' && finding !== 'unknown';
      const agrees = known && finding === sourceFinding;
      outputs[m] = { finding, agrees };
      const tally = agreement[m];
      if (known && tally) {
        tally.of += 1;
        if (agrees) tally.agree += 1;
      }
    }
    return { label, source: sourceFinding, outputs };
  });
  return { rows, agreement };
}

/** The findings as case.json carries them: labeler values on the report, classifier probabilities per image. */
export function findingsForExport(findings: OutputFindings): Record<string, unknown> {
  return {
    ...(findings.report ? { reportLabeler: { ...findings.report } } : {}),
    ...(findings.frontal || findings.lateral
      ? {
          imageClassifier: {
            threshold: CLASSIFIER_THRESHOLD,
            ...(findings.frontal ? { frontal: probsByLabel(findings.frontal) } : {}),
            ...(findings.lateral ? { lateral: probsByLabel(findings.lateral) } : {}),
          },
        }
      : {}),
  };
}
