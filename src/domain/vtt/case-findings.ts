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

/** Phantom label → the checklist item that names it (study.ts DEFAULT_FINDINGS). A Map: label names are data. */
const ITEM_OF_LABEL: ReadonlyMap<string, string> = new Map([
  ['cardiomegaly', 'Cardiomegaly'],
  ['pleural_effusion', 'Pleural effusion'],
  ['pneumothorax', 'Pneumothorax'],
  ['consolidation', 'Consolidation'],
  ['nodule_or_mass', 'Nodule or mass'],
  ['pulmonary_edema', 'Pulmonary edema'],
  ['endotracheal_tube', 'Tube or line'],
  ['central_line', 'Tube or line'],
]);
const NO_FINDING = 'No finding';

/** Checklist item → present (true) or absent (false), for the items the case's labels settle. */
export type FindingTruth = Readonly<Record<string, boolean>>;

const normalise = (item: string) => item.trim().toLowerCase();

/** Whether a checklist item is "No finding" (spelled in any letter case). */
export function isNoFinding(item: string): boolean {
  return normalise(item) === normalise(NO_FINDING);
}

/**
 * The checklist items settled by a case's phantom labels, keyed by the checklist's own spelling (matched without
 * regard to case). An item is present when a label for it is; absent only when every label for it is given and
 * absent ("Tube or line" needs both the tube and the line, "No finding" every phantom label). Undefined when a
 * label is not a phantom label (one the checklist cannot name would make "No finding" wrong) or when no item of
 * the checklist is settled.
 */
export function findingTruthFor(labels: Readonly<Record<string, unknown>>, checklist: readonly string[]): FindingTruth | undefined {
  const given = Object.keys(labels);
  if (given.length === 0 || given.some((name) => !ITEM_OF_LABEL.has(name))) return undefined;
  const present = new Set(positiveLabels(labels));
  const settle = (labelsForItem: readonly string[]): boolean | undefined => {
    if (labelsForItem.some((name) => present.has(name))) return true;
    return labelsForItem.every((name) => given.includes(name)) ? false : undefined;
  };
  const truth: Record<string, boolean> = {};
  for (const item of checklist) {
    const noFinding = isNoFinding(item);
    const labelsForItem = noFinding ? [...ITEM_OF_LABEL.keys()] : [...ITEM_OF_LABEL].filter(([, name]) => normalise(name) === normalise(item)).map(([label]) => label);
    if (labelsForItem.length === 0) continue;
    const settled = settle(labelsForItem);
    if (settled === undefined) continue;
    // "No finding" is the opposite of "any finding"
    truth[item] = noFinding ? !settled : settled;
  }
  return Object.keys(truth).length > 0 ? truth : undefined;
}

/** "Cardiomegaly: present; Pleural effusion: absent", or "unknown", for the answers CSV. */
export function describeFindingTruth(truth: FindingTruth | undefined): string {
  if (truth === undefined || Object.keys(truth).length === 0) return 'unknown';
  return Object.entries(truth)
    .map(([item, isPresent]) => `${item}: ${isPresent ? 'present' : 'absent'}`)
    .join('; ');
}

/** Why a stored findingTruth cannot be right for its study, or null: empty, off the checklist, or self-contradictory. */
export function findingTruthProblem(truth: FindingTruth, checklist: readonly string[]): string | null {
  const items = Object.keys(truth);
  if (items.length === 0) return 'lists no finding';
  if (items.some((item) => !checklist.includes(item))) return "names an item that is not on the study's findings checklist";
  const noFinding = items.find(isNoFinding);
  if (noFinding !== undefined && truth[noFinding] === true && items.some((item) => item !== noFinding && truth[item] === true)) {
    return 'says both "No finding" and a finding';
  }
  return null;
}
