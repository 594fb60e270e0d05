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

/** Whether the row met its bar; null when the metric has none. */
export function meetsBar(row: EvaluationRow): boolean | null {
  return row.bar === null ? null : row.value >= row.bar;
}

/** The guidance scale behind a row (a row without one has the file's). */
export function rowGuidance(evaluation: ModelEvaluation, row: EvaluationRow): number | undefined {
  return row.guidance ?? evaluation.guidance;
}

/** Whether a row was measured at another guidance than the file's own (reference) one: a sweep beside it. */
function isSweep(evaluation: ModelEvaluation, row: EvaluationRow): boolean {
  const g = rowGuidance(evaluation, row);
  return g !== undefined && g !== evaluation.guidance;
}

/** Rows measured at the file's own (reference) guidance: what the bars are judged on. */
function referenceRows(evaluation: ModelEvaluation): EvaluationRow[] {
  return generationRows(evaluation).filter((r) => !isSweep(evaluation, r));
}

/** The evaluation of `direction` at the step count nearest to `steps`, or null when the direction was not measured. */
export function directionQuality(evaluation: ModelEvaluation, direction: string, steps: number): DirectionQuality | null {
  const rows = referenceRows(evaluation).filter((r) => r.direction === direction);
  if (rows.length === 0) return null;
  const measured = [...new Set(rows.map((r) => r.steps))];
  const nearest = measured.reduce((best, s) => {
    const d = Math.abs(s - steps);
    const bestD = Math.abs(best - steps);
    return d < bestD || (d === bestD && s > best) ? s : best;
  });
  const chosen = rows.filter((r) => r.steps === nearest);
  const barred = chosen.filter((r) => r.bar !== null);
  const verdict = barred.length === 0 ? 'no-bar' : barred.every((r) => meetsBar(r)) ? 'meets' : 'misses';
  return { direction, steps: nearest, n: Math.max(...chosen.map((r) => r.n)), rows: chosen, verdict };
}

export interface GuidanceAlternative {
  readonly guidance: number;
  /** The rows with a bar at that guidance, same direction and step count as the reference quality. */
  readonly rows: readonly EvaluationRow[];
}

/**
 * A guidance scale the evaluation also measured for this direction and step count that did better on every metric
 * with a bar (and clearly better, by at least 0.02, on one), the best such by mean value; null when none did.
 */
export function betterGuidance(evaluation: ModelEvaluation, quality: DirectionQuality): GuidanceAlternative | null {
  const reference = new Map(quality.rows.filter((r) => r.bar !== null).map((r) => [r.metric, r.value]));
  if (reference.size === 0) return null;
  const byGuidance = new Map<number, EvaluationRow[]>();
  for (const r of generationRows(evaluation)) {
    if (!isSweep(evaluation, r) || r.direction !== quality.direction || r.steps !== quality.steps || !reference.has(r.metric)) continue;
    const g = rowGuidance(evaluation, r) as number;
    byGuidance.set(g, [...(byGuidance.get(g) ?? []), r]);
  }
  let best: GuidanceAlternative | null = null;
  let bestMean = -Infinity;
  for (const [guidance, rows] of byGuidance) {
    if (rows.length !== reference.size) continue; // measured only some of the metrics: cannot compare
    const gains = rows.map((r) => r.value - (reference.get(r.metric) as number));
    if (gains.some((g) => g < 0) || !gains.some((g) => g >= 0.02)) continue;
    const mean = rows.reduce((n, r) => n + r.value, 0) / rows.length;
    if (mean > bestMean) {
      bestMean = mean;
      best = { guidance, rows };
    }
  }
  return best;
}

/** "At guidance 3 it measured classifier agreement source vs generated 54% (bar 80%), still below its bar." */
export function describeAlternative(alternative: GuidanceAlternative): string {
  const meets = alternative.rows.every((r) => meetsBar(r) !== false);
  return `At guidance ${alternative.guidance} it measured ${alternative.rows.map(describeRow).join('; ')}${meets ? ', meeting its bar' : ', still below its bar'}.`;
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
  /** null: the reference guidance; otherwise a sweep row at this scale. */
  readonly guidance: number | null;
  readonly n: number;
  /** Value per evaluated step count. */
  readonly bySteps: ReadonlyMap<number, EvaluationRow>;
  readonly bar: number | null;
}

/** The whole evaluation as one row per direction and metric, with a column per evaluated step count (largest first). */
export function qualityTable(evaluation: ModelEvaluation): { readonly steps: readonly number[]; readonly rows: readonly QualityTableRow[] } {
  const gen = generationRows(evaluation);
  const steps = [...new Set(gen.map((r) => r.steps))].sort((a, b) => b - a);
  const byKey = new Map<string, { direction: string; metric: string; guidance: number | null; n: number; bar: number | null; bySteps: Map<number, EvaluationRow> }>();
  // Directions in file order; within one, reference rows first and its sweep rows right after them.
  const directionOrder = new Map<string, number>();
  for (const r of gen) if (!directionOrder.has(r.direction)) directionOrder.set(r.direction, directionOrder.size);
  const rank = (r: EvaluationRow) => 2 * (directionOrder.get(r.direction) as number) + Number(isSweep(evaluation, r));
  const ordered = [...gen].sort((a, b) => rank(a) - rank(b));
  for (const r of ordered) {
    const guidance = isSweep(evaluation, r) ? (rowGuidance(evaluation, r) as number) : null;
    const key = `${r.direction}\u0000${r.metric}\u0000${guidance ?? ''}`;
    let entry = byKey.get(key);
    if (!entry) {
      entry = { direction: r.direction, metric: r.metric, guidance, n: r.n, bar: r.bar, bySteps: new Map() };
      byKey.set(key, entry);
    }
    entry.bySteps.set(r.steps, r);
    entry.n = Math.max(entry.n, r.n);
    entry.bar ??= r.bar;
  }
  return { steps, rows: [...byKey.values()] };
}
