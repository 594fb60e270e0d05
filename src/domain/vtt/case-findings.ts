/**
 * @file What each study case is known to show, in the words of the study's findings checklist, so the analysis can
 * say how often readers ticked a finding that is there, and one that is not, on real and on synthetic images.
 *
 * A real bundled phantom has its ground-truth labels; a synthetic image made from a bundled case (its report or one
 * of its views) has that case's labels as the findings it was asked to show. Local files and results made from the
 * user's own inputs have none. Only checklist items a phantom label stands for (and "No finding") are known; an item
 * the phantom never makes (say "Rib fracture") stays unknown rather than counted as absent.
 */
import { positiveLabels } from '../example-cases';

/** Phantom label → the checklist item that names it (study.ts DEFAULT_FINDINGS). */
const ITEM_OF_LABEL: Readonly<Record<string, string>> = {
  cardiomegaly: 'Cardiomegaly',
  pleural_effusion: 'Pleural effusion',
  pneumothorax: 'Pneumothorax',
  consolidation: 'Consolidation',
  nodule_or_mass: 'Nodule or mass',
  pulmonary_edema: 'Pulmonary edema',
  endotracheal_tube: 'Tube or line',
  central_line: 'Tube or line',
};
const NO_FINDING = 'No finding';

/** Checklist item → present (true) or absent (false), for the items the case's labels settle. */
export type FindingTruth = Readonly<Record<string, boolean>>;

const normalise = (item: string) => item.trim().toLowerCase();

/**
 * The checklist items settled by a case's phantom labels, keyed by the checklist's own spelling (matched without
 * regard to case). Undefined when the labels are not all phantom labels (a present label the checklist cannot name
 * would make "No finding" wrong) or when no item of the checklist is settled.
 */
export function findingTruthFor(labels: Readonly<Record<string, unknown>>, checklist: readonly string[]): FindingTruth | undefined {
  const labelNames = Object.keys(labels);
  if (labelNames.length === 0 || labelNames.some((name) => ITEM_OF_LABEL[name] === undefined)) return undefined;
  const present = new Set(positiveLabels(labels).map((name) => normalise(ITEM_OF_LABEL[name] as string)));
  const settled = new Set([...labelNames.map((name) => normalise(ITEM_OF_LABEL[name] as string)), normalise(NO_FINDING)]);
  const truth: Record<string, boolean> = {};
  for (const item of checklist) {
    const key = normalise(item);
    if (!settled.has(key)) continue;
    truth[item] = key === normalise(NO_FINDING) ? present.size === 0 : present.has(key);
  }
  return Object.keys(truth).length > 0 ? truth : undefined;
}

/** "Cardiomegaly; Pleural effusion", "none" (every settled item absent) or "unknown", for the answers CSV. */
export function describeFindingTruth(truth: FindingTruth | undefined): string {
  if (truth === undefined) return 'unknown';
  const present = Object.entries(truth)
    .filter(([, isPresent]) => isPresent)
    .map(([item]) => item);
  return present.length > 0 ? present.join('; ') : 'none';
}
