/**
 * @file The anonymisation twin: from a real case (frontal, lateral and/or report) to a fully synthetic one, in two
 * generation steps so that nothing real is copied into the twin:
 * - with real images: images → twin report (F/L/F+L → T), then twin report → twin frontal + lateral (T → F+L);
 * - with only a report: report → twin frontal + lateral (T → F+L), then twin images → twin report (F+L → T).
 * Then real and twin findings (labeler on reports, classifier on images) are compared label by label.
 */
import type { GreyImage } from '../../contracts/job';
import type { ImageModality, Modality } from '../../contracts/modality';
import type { LabelValue } from '../labeler';
import { findingFromProb, type Finding } from '../result-findings';

export type { Finding };

export interface RealCase {
  readonly frontal?: GreyImage;
  readonly lateral?: GreyImage;
  readonly report?: string;
}

export interface TwinStep {
  /** Where each input comes from: the real case or the twin made by an earlier step. */
  readonly inputs: readonly { readonly modality: Modality; readonly from: 'real' | 'twin' }[];
  readonly outputs: readonly Modality[];
  readonly directionId: string;
  readonly label: string;
}

const LETTER: Readonly<Record<Modality, string>> = { frontal: 'F', lateral: 'L', report: 'T' };
const dirId = (inputs: readonly Modality[], outputs: readonly Modality[]) => `${inputs.map((m) => LETTER[m]).join('+')}>${outputs.map((m) => LETTER[m]).join('+')}`;

/** The two steps for this real case. @throws Error when the case has nothing to start from */
export function planTwin(real: RealCase): TwinStep[] {
  const images = (['frontal', 'lateral'] as const).filter((m) => real[m] !== undefined);
  const hasReport = real.report !== undefined && real.report.trim() !== '';
  if (images.length > 0) {
    return [
      { inputs: images.map((m) => ({ modality: m, from: 'real' })), outputs: ['report'], directionId: dirId(images, ['report']), label: 'Real images → twin report' },
      { inputs: [{ modality: 'report', from: 'twin' }], outputs: ['frontal', 'lateral'], directionId: 'T>F+L', label: 'Twin report → twin frontal and lateral' },
    ];
  }
  if (hasReport) {
    return [
      { inputs: [{ modality: 'report', from: 'real' }], outputs: ['frontal', 'lateral'], directionId: 'T>F+L', label: 'Real report → twin frontal and lateral' },
      { inputs: [{ modality: 'frontal', from: 'twin' }, { modality: 'lateral', from: 'twin' }], outputs: ['report'], directionId: 'F+L>T', label: 'Twin images → twin report' },
    ];
  }
  throw new Error('Give the real case a frontal or lateral image, or a report, to make its twin.');
}

/** Findings of one case: labeler output on its report and classifier probabilities on its images. */
export interface CaseFindings {
  readonly reportLabels?: Readonly<Record<string, LabelValue>>;
  readonly imageProbs?: Partial<Record<ImageModality, Readonly<Record<string, number>>>>;
}

/** One label's verdict for a case: the report's labeler when the report mentions it, else the images' classifier. */
export function findingFor(findings: CaseFindings, label: string): Finding {
  const value = findings.reportLabels?.[label];
  if (value === 1) return 'present';
  if (value === 0) return 'absent';
  if (value === -1) return 'uncertain';
  const probs = Object.values(findings.imageProbs ?? {})
    .map((p) => p?.[label])
    .filter((p): p is number => typeof p === 'number');
  if (probs.length === 0) return findings.reportLabels ? 'absent' : 'unknown';
  return findingFromProb(Math.max(...probs));
}

export interface FindingComparison {
  readonly label: string;
  readonly real: Finding;
  readonly twin: Finding;
  readonly agree: boolean;
}

export function compareFindings(real: CaseFindings, twin: CaseFindings, labels: readonly string[]): { rows: FindingComparison[]; agreement: number } {
  const rows = labels.map((label) => {
    const r = findingFor(real, label);
    const t = findingFor(twin, label);
    return { label, real: r, twin: t, agree: r === t };
  });
  const comparable = rows.filter((r) => r.real !== 'unknown' && r.twin !== 'unknown');
  return { rows, agreement: comparable.length === 0 ? 0 : comparable.filter((r) => r.agree).length / comparable.length };
}
