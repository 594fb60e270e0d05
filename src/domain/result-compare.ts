/**
 * @file Side-by-side comparison of saved results (History → Compare): which of their settings and inputs differ, and
 * what each output says about every finding. A reader comparing two seeds of one prompt, or 20 against 50 steps,
 * sees at a glance what changed and what it changed. Pure: the view only lays these rows out.
 */
import type { Modality } from '../contracts/modality';
import { MODALITY_NAMES } from './compose-request';
import { outputFinding, type Finding, type OutputFindings } from './result-findings';
import type { ResultRecord } from './result-record';
import { recordOutputs } from './result-record';

/** More than four columns no longer fit beside each other on a laptop screen. */
export const MAX_COMPARED = 4;

export interface CompareSelection {
  readonly selected: readonly string[];
  /** Set when the last toggle was refused because MAX_COMPARED are already selected. */
  readonly refused: boolean;
}

/** Adds `id` to the selection, or removes it if it is there; refuses a fifth. Order of selection is kept. */
export function toggleCompared(selected: readonly string[], id: string): CompareSelection {
  if (selected.includes(id)) return { selected: selected.filter((s) => s !== id), refused: false };
  if (selected.length >= MAX_COMPARED) return { selected, refused: true };
  return { selected: [...selected, id], refused: false };
}

/** The selection without ids that are no longer in History (deleted, or cleared). */
export function pruneCompared(selected: readonly string[], existing: Iterable<string>): readonly string[] {
  const ids = new Set(existing);
  const kept = selected.filter((id) => ids.has(id));
  return kept.length === selected.length ? selected : kept;
}

export interface CompareRow {
  readonly label: string;
  /** One value per compared record, in their order. */
  readonly values: readonly string[];
  /** Not every value is the same. */
  readonly differs: boolean;
}

const SAMPLER_NAMES: Readonly<Record<string, string>> = { ddim: 'DDIM', 'dpmpp-2m': 'DPM-Solver++ (2M)' };

/** `sha256` hex → the first 8 characters, enough to tell inputs apart on screen. */
function shortHash(sha256: string): string {
  return sha256.slice(0, 8);
}

/** "report a1b2c3d4 ×1, frontal image 0f9e8d7c ×0.5": what went in, by hash (records never keep raw inputs). */
export function describeInputs(record: Pick<ResultRecord, 'inputs'>): string {
  // A record written by another version may lack the list.
  const inputs = record.inputs as ResultRecord['inputs'] | undefined;
  if (!inputs || inputs.length === 0) return 'none recorded';
  return inputs.map((i) => `${MODALITY_NAMES[i.modality]} ${shortHash(i.sha256)} ×${i.weight}`).join(', ');
}

function row(label: string, values: readonly string[]): CompareRow {
  return { label, values, differs: values.some((v) => v !== values[0]) };
}

/**
 * The settings and provenance of each record, one row per field. Report decoding rows appear only when some record
 * made a report, eta only when some record used DDIM (DPM-Solver++ ignores it).
 */
export function compareSettings(records: readonly ResultRecord[]): CompareRow[] {
  const all = (f: (r: ResultRecord) => string) => records.map(f);
  const rows: CompareRow[] = [
    row('Direction', all((r) => r.directionId.replace('>', ' → '))),
    row('Inputs', all(describeInputs)),
    row('Source case', all((r) => (r.sourceCase ? (r.sourceCase.title ?? r.sourceCase.id) : '—'))),
    row('Model', all((r) => `${r.modelId} ${r.modelVersion}`)),
    row('Variant and backend', all((r) => `${r.variant}, ${r.backend === 'webgpu' ? 'WebGPU' : 'WASM'}`)),
    row('Sampler', all((r) => SAMPLER_NAMES[r.settings.sampler] ?? r.settings.sampler)),
    row('Steps', all((r) => String(r.settings.steps))),
    row('Guidance', all((r) => String(r.settings.guidanceScale))),
    row('Seed', all((r) => String(r.settings.seed))),
  ];
  if (records.some((r) => r.settings.sampler === 'ddim')) {
    rows.push(row('Eta', all((r) => (r.settings.sampler === 'ddim' ? String(r.settings.eta) : '—'))));
  }
  if (records.some((r) => r.outputs.report !== undefined)) {
    const decoding = (f: (r: ResultRecord) => string) => all((r) => (r.outputs.report !== undefined ? f(r) : '—'));
    rows.push(
      row('Temperature', decoding((r) => String(r.settings.temperature))),
      row('Top-p', decoding((r) => String(r.settings.topP))),
      row('Max tokens', decoding((r) => String(r.settings.maxTokens))),
      row('Report candidates', decoding((r) => String(r.consensus?.seeds.length ?? 1))),
    );
  }
  return rows;
}

/** One output of one compared record, as a column of the findings table. */
export interface FindingsColumn {
  readonly record: number;
  readonly modality: Modality;
}

export interface FindingsMatrixRow {
  readonly label: string;
  /** Per column: the output's verdict, or null while it is not known yet (the classifier has not answered). */
  readonly cells: readonly (Finding | null)[];
  /** Two outputs of the same modality disagree on this label (unknown and pending cells aside). */
  readonly differs: boolean;
}

export interface FindingsMatrix {
  readonly columns: readonly FindingsColumn[];
  readonly rows: readonly FindingsMatrixRow[];
  /** Labels on which same-modality outputs disagree. */
  readonly differing: number;
}

/**
 * Every label of `labels` for every output of every record: reports read by the labeler, images by the classifier.
 * A row differs when outputs of the same kind (frontal against frontal, report against report) disagree, because a
 * frontal and a lateral view of one prompt are expected to differ only where the classifier does.
 */
export function compareFindings(records: readonly ResultRecord[], findings: readonly OutputFindings[], labels: readonly string[]): FindingsMatrix {
  if (findings.length !== records.length) throw new Error(`Findings for ${findings.length} results, expected ${records.length}`);
  const columns: FindingsColumn[] = records.flatMap((record, i) => recordOutputs(record).map((modality) => ({ record: i, modality })));
  const rows = labels.map((label) => {
    const cells = columns.map((c) => outputFinding(findings[c.record] as OutputFindings, c.modality, label));
    const known = new Map<Modality, Set<Finding>>();
    columns.forEach((c, i) => {
      const cell = cells[i];
      if (cell === null || cell === undefined || cell === 'unknown') return;
      const seen = known.get(c.modality) ?? new Set<Finding>();
      seen.add(cell);
      known.set(c.modality, seen);
    });
    const differs = [...known.values()].some((s) => s.size > 1);
    return { label, cells, differs };
  });
  return { columns, rows, differing: rows.filter((r) => r.differs).length };
}

/** The distinct sizes ("64×64") of the compared images: linked viewers share one transform, so one size only. */
export function imageSizes(records: readonly ResultRecord[]): string[] {
  const sizes = records.flatMap((r) =>
    (['frontal', 'lateral'] as const).flatMap((m) => {
      const image = r.outputs[m];
      return image ? [`${image.width}×${image.height}`] : [];
    }),
  );
  return [...new Set(sizes)];
}
