/**
 * @file Balanced synthetic datasets: the plan (which case asks for which finding, with which seed, direction and
 * prompt), the check of each generated case (does the labeler / classifier find the requested label?), and the
 * dataset's files (labels.csv, manifest.json). Pure and deterministic: the same spec gives the same plan, so a
 * dataset paused in one session resumes case for case in the next.
 */
import type { Modality } from '../../contracts/modality';
import { DIRECTIONS } from '../../contracts/modality';
import type { LabelValue } from '../labeler';
import { CLASSIFIER_THRESHOLD } from '../result-findings';

export const NORMAL = 'normal';

export interface DatasetSpec {
  /** Cases per finding label, e.g. { cardiomegaly: 100, pleural_effusion: 100 }. */
  readonly perLabel: Readonly<Record<string, number>>;
  /** Cases with no finding. */
  readonly normal: number;
  /** Direction ids whose inputs are the report only (T>F, T>L, T>F+L); cycled over cases. */
  readonly directions: readonly string[];
  readonly seed: number;
  readonly steps: number;
  readonly modelId: string;
}

export interface DatasetCase {
  readonly index: number;
  /** The label this case asks for, or "normal". */
  readonly target: string;
  readonly seed: number;
  readonly directionId: string;
  readonly outputs: readonly Modality[];
  readonly prompt: string;
}

/** Report prompts per finding, in the phantom reports' style (the labeler reads them back as that finding). */
const PROMPTS: Readonly<Record<string, readonly string[]>> = {
  normal: [
    'FINDINGS: Normal heart size. No focal consolidation, effusion or pneumothorax. The lungs are well expanded and clear. IMPRESSION: No acute cardiopulmonary disease.',
    'FINDINGS: Cardiomediastinal silhouette is within normal limits. No focal consolidation, pleural effusion or pneumothorax. The lungs are clear. IMPRESSION: No acute cardiopulmonary disease.',
  ],
  cardiomegaly: [
    'FINDINGS: There is moderate cardiomegaly. No pneumothorax. No focal consolidation. The lungs are otherwise clear. IMPRESSION: Moderate cardiomegaly.',
    'FINDINGS: The heart is enlarged. No pleural effusion or pneumothorax. IMPRESSION: Cardiomegaly.',
  ],
  pleural_effusion: [
    'FINDINGS: There is a small right pleural effusion. No pulmonary edema. There is no pneumothorax. IMPRESSION: Small right pleural effusion.',
    'FINDINGS: Moderate left pleural effusion. Normal heart size. No pneumothorax. IMPRESSION: Left pleural effusion.',
  ],
  pneumothorax: [
    'FINDINGS: Right pneumothorax, moderate in size. No consolidation. Normal heart size. IMPRESSION: Moderate right pneumothorax.',
    'FINDINGS: Small left apical pneumothorax. The lungs are otherwise clear. IMPRESSION: Small left pneumothorax.',
  ],
  consolidation: [
    'FINDINGS: Lingula airspace consolidation. No pleural effusion. No pneumothorax. IMPRESSION: Lingula consolidation.',
    'FINDINGS: Right lower lobe consolidation. Normal heart size. No pneumothorax. IMPRESSION: Right lower lobe consolidation.',
  ],
  nodule_or_mass: [
    'FINDINGS: 2.3 cm pulmonary nodule in the right upper lobe. No focal consolidation. The heart is normal in size. IMPRESSION: Right upper lobe nodule.',
    'FINDINGS: Left hilar mass. No pleural effusion. No pneumothorax. IMPRESSION: Left hilar mass.',
  ],
  pulmonary_edema: [
    'FINDINGS: Perihilar haziness and interstitial lines, consistent with mild pulmonary edema. No pneumothorax. IMPRESSION: Mild pulmonary edema.',
    'FINDINGS: Diffuse interstitial edema. No pneumothorax. IMPRESSION: Pulmonary edema.',
  ],
  endotracheal_tube: [
    'FINDINGS: ET tube tip is 5 cm above the carina. The lungs are clear. No pleural effusion or pneumothorax. IMPRESSION: Endotracheal tube in standard position.',
  ],
  central_line: [
    'FINDINGS: Right internal jugular central line with tip in the right atrium. The lungs are clear. No pneumothorax. IMPRESSION: Central line in place.',
  ],
};

/** A prompt that asks for `target` (a generic sentence for labels this studio has no template for). */
export function promptFor(target: string, seed: number): string {
  const options = PROMPTS[target] ?? [`FINDINGS: There is ${target.replace(/_/g, ' ')}. IMPRESSION: ${target.replace(/_/g, ' ')}.`];
  return options[seed % options.length] as string;
}

function fmix32(x: number): number {
  let h = x >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Same derivation as the batch CLI: case i's seed depends only on (seed, i). */
export function datasetCaseSeed(seed: number, index: number): number {
  return fmix32((seed >>> 0) ^ fmix32((index + 0x9e3779b9) >>> 0));
}

/** Problems with a spec, as sentences (empty = valid). */
export function checkDatasetSpec(spec: DatasetSpec, labels: readonly string[]): string[] {
  const problems: string[] = [];
  for (const [label, n] of Object.entries(spec.perLabel)) {
    if (!labels.includes(label)) problems.push(`"${label}" is not a label of this model.`);
    if (!Number.isInteger(n) || n < 0) problems.push(`The count for ${label} must be a whole number ≥ 0.`);
  }
  if (!Number.isInteger(spec.normal) || spec.normal < 0) problems.push('The normal count must be a whole number ≥ 0.');
  if (Object.values(spec.perLabel).reduce((a, b) => a + b, 0) + spec.normal === 0) problems.push('Ask for at least one case.');
  if (spec.directions.length === 0) problems.push('Choose at least one direction.');
  for (const id of spec.directions) {
    const d = DIRECTIONS.find((x) => x.id === id);
    if (!d || d.inputs.length !== 1 || d.inputs[0] !== 'report') problems.push(`Direction ${id} must start from a report (T>F, T>L or T>F+L).`);
  }
  if (!Number.isInteger(spec.steps) || spec.steps < 1) problems.push('Steps must be a whole number ≥ 1.');
  return problems;
}

/** Every case of the dataset: labels in the spec's order, then normal; directions cycled by index. */
export function planDataset(spec: DatasetSpec): DatasetCase[] {
  const targets: string[] = [];
  for (const [label, n] of Object.entries(spec.perLabel)) for (let k = 0; k < n; k += 1) targets.push(label);
  for (let k = 0; k < spec.normal; k += 1) targets.push(NORMAL);
  return targets.map((target, index) => {
    const seed = datasetCaseSeed(spec.seed, index);
    const directionId = spec.directions[index % spec.directions.length] as string;
    const direction = DIRECTIONS.find((d) => d.id === directionId);
    return { index, target, seed, directionId, outputs: direction?.outputs ?? ['frontal'], prompt: promptFor(target, seed) };
  });
}

/** What the checks found on one generated case. */
export interface CaseCheck {
  /** Classifier probabilities per image output. */
  readonly imageProbs: Partial<Record<'frontal' | 'lateral', Readonly<Record<string, number>>>>;
  /** Labeler labels of the generated report (report outputs only). */
  readonly reportLabels?: Readonly<Record<string, LabelValue>>;
}

/** Labels the case shows: a generated report's positive mentions, or any image's probability over the threshold. */
export function detectedLabels(check: CaseCheck, labels: readonly string[]): string[] {
  return labels.filter(
    (label) => check.reportLabels?.[label] === 1 || Object.values(check.imageProbs).some((p) => (p?.[label] ?? 0) >= CLASSIFIER_THRESHOLD),
  );
}

/** Does the case carry what it asked for? A finding must be detected; "normal" must have none detected. */
export function carriesTarget(target: string, check: CaseCheck, labels: readonly string[]): boolean {
  const found = detectedLabels(check, labels);
  return target === NORMAL ? found.length === 0 : found.includes(target);
}

export interface DatasetSummaryRow {
  readonly target: string;
  readonly requested: number;
  readonly generated: number;
  readonly carrying: number;
}

export function summarizeDataset(plan: readonly DatasetCase[], checks: ReadonlyMap<number, CaseCheck>, labels: readonly string[]): DatasetSummaryRow[] {
  const rows = new Map<string, { requested: number; generated: number; carrying: number }>();
  for (const c of plan) {
    const row = rows.get(c.target) ?? { requested: 0, generated: 0, carrying: 0 };
    row.requested += 1;
    const check = checks.get(c.index);
    if (check) {
      row.generated += 1;
      if (carriesTarget(c.target, check, labels)) row.carrying += 1;
    }
    rows.set(c.target, row);
  }
  return [...rows.entries()].map(([target, r]) => ({ target, ...r }));
}

function csvCell(value: string | number): string {
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** labels.csv: one row per generated case; per label the classifier's max probability and the report labeler. */
export function labelsCsv(plan: readonly DatasetCase[], checks: ReadonlyMap<number, CaseCheck>, files: ReadonlyMap<number, readonly string[]>, labels: readonly string[]): string {
  const header = ['case_id', 'target', 'carries_target', 'direction', 'seed', 'files', ...labels.map((l) => `${l}_prob`), ...labels.map((l) => `${l}_report`)];
  const lines = [header.join(',')];
  for (const c of plan) {
    const check = checks.get(c.index);
    if (!check) continue;
    const probs = labels.map((l) => {
      const values = Object.values(check.imageProbs).map((p) => p?.[l]).filter((p): p is number => typeof p === 'number');
      return values.length === 0 ? '' : Math.max(...values).toFixed(4);
    });
    const report = labels.map((l) => {
      const v = check.reportLabels?.[l];
      return v === undefined || v === null ? '' : String(v);
    });
    lines.push([datasetCaseId(c.index), c.target, carriesTarget(c.target, check, labels) ? 1 : 0, c.directionId, c.seed, (files.get(c.index) ?? []).join(' '), ...probs, ...report].map(csvCell).join(','));
  }
  return `${lines.join('\n')}\n`;
}

export function datasetCaseId(index: number): string {
  return `case-${String(index).padStart(5, '0')}`;
}

/** File of one output of a dataset case, marked synthetic: `images/synthetic_case-00007_frontal.png`. */
export function datasetFile(index: number, output: Modality): string {
  return output === 'report' ? `reports/synthetic_${datasetCaseId(index)}_report.txt` : `images/synthetic_${datasetCaseId(index)}_${output}.png`;
}
