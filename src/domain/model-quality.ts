/**
 * @file What a model's own evaluation says about one direction, in words a reader can act on: the measured rows
 * (evaluation.json) for the direction and the DDIM step count nearest to the user's, and whether each met its bar.
 * Pure; the Models view shows the whole table, the studio a one-line note for the prompt being composed.
 */
import type { EvaluationRow, ModelEvaluation } from '../contracts/model-evaluation';

export interface DirectionQuality {
  readonly direction: string;
  /** The evaluated step count used (the one nearest to the requested steps; ties go to the larger). */
  readonly steps: number;
  /** Generations behind the rows (the largest n among them). */
  readonly n: number;
  readonly rows: readonly EvaluationRow[];
  /** 'meets': every row with a bar met it; 'misses': at least one did not; 'no-bar': none of the rows has a bar. */
  readonly verdict: 'meets' | 'misses' | 'no-bar';
}

/** Rows that describe generations (sanity rows such as "real F" have steps 0). */
function generationRows(evaluation: ModelEvaluation): EvaluationRow[] {
  return evaluation.rows.filter((r) => r.steps > 0);
}

/** The evaluation of `direction` at the step count nearest to `steps`, or null when the direction was not measured. */
export function directionQuality(evaluation: ModelEvaluation, direction: string, steps: number): DirectionQuality | null {
  const rows = generationRows(evaluation).filter((r) => r.direction === direction);
  if (rows.length === 0) return null;
  const measured = [...new Set(rows.map((r) => r.steps))];
  const nearest = measured.reduce((best, s) => {
    const d = Math.abs(s - steps);
    const bestD = Math.abs(best - steps);
    return d < bestD || (d === bestD && s > best) ? s : best;
  });
  const chosen = rows.filter((r) => r.steps === nearest);
  const barred = chosen.filter((r) => r.bar !== null);
  const verdict = barred.length === 0 ? 'no-bar' : barred.every((r) => r.value >= (r.bar as number)) ? 'meets' : 'misses';
  return { direction, steps: nearest, n: Math.max(...chosen.map((r) => r.n)), rows: chosen, verdict };
}

/** Rates (detection, agreement) read best as percentages; scores (F1, BLEU, ROUGE) as decimals. */
export function formatMetricValue(metric: string, value: number): string {
  return /\b(f1|bleu|rouge)/i.test(metric) ? value.toFixed(2) : `${Math.round(value * 100)}%`;
}

/** One row in words: "classifier agreement source vs generated 45% (bar 80%)". */
export function describeRow(row: EvaluationRow): string {
  const bar = row.bar === null ? '' : ` (bar ${formatMetricValue(row.metric, row.bar)})`;
  return `${row.metric} ${formatMetricValue(row.metric, row.value)}${bar}`;
}

/**
 * The studio's note for the prompt being composed. `guidance`: the measured scale and the user's; when they differ
 * the note says so, since the numbers then describe other settings.
 */
export function qualityNote(
  quality: DirectionQuality | null,
  directionLabel: string,
  guidance?: { readonly measured: number | undefined; readonly chosen: number },
): string {
  if (!quality) return `${directionLabel} was not measured in this model's evaluation.`;
  const barred = quality.rows.filter((r) => r.bar !== null);
  const shown = barred.length > 0 ? barred : quality.rows;
  const measured = `Measured on this model (${quality.n} held-out cases, DDIM ${quality.steps}): ${shown.map(describeRow).join('; ')}`;
  const verdict = quality.verdict === 'meets' ? ' Meets its bar.' : quality.verdict === 'misses' ? ' Below its bar: treat these outputs as illustrative.' : '';
  const other = guidance && guidance.measured !== undefined && guidance.measured !== guidance.chosen
    ? ` These numbers are for guidance ${guidance.measured}; yours is ${guidance.chosen}.`
    : '';
  return `${measured}.${verdict}${other}`;
}

export interface QualityTableRow {
  readonly direction: string;
  readonly metric: string;
  readonly n: number;
  /** Value per evaluated step count. */
  readonly bySteps: ReadonlyMap<number, EvaluationRow>;
  readonly bar: number | null;
}

/** The whole evaluation as one row per direction and metric, with a column per evaluated step count (largest first). */
export function qualityTable(evaluation: ModelEvaluation): { readonly steps: readonly number[]; readonly rows: readonly QualityTableRow[] } {
  const gen = generationRows(evaluation);
  const steps = [...new Set(gen.map((r) => r.steps))].sort((a, b) => b - a);
  const byKey = new Map<string, { direction: string; metric: string; n: number; bar: number | null; bySteps: Map<number, EvaluationRow> }>();
  for (const r of gen) {
    const key = `${r.direction}\u0000${r.metric}`;
    let entry = byKey.get(key);
    if (!entry) {
      entry = { direction: r.direction, metric: r.metric, n: r.n, bar: r.bar, bySteps: new Map() };
      byKey.set(key, entry);
    }
    entry.bySteps.set(r.steps, r);
    entry.n = Math.max(entry.n, r.n);
    entry.bar ??= r.bar;
  }
  return { steps, rows: [...byKey.values()] };
}
