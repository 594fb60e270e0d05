/**
 * @file "Variations": one Generate makes several results of the same prompt, each an ordinary result saved to
 * History (its own settings reproduce it alone), and offers them side by side in History → Compare. What varies is
 * the seed (N results, seeds s, s+N', …) or one setting swept over 2–4 values at the same seed (guidance 3 against
 * 7.5, 20 steps against 50), so that the comparison shows what that setting alone changes.
 */
import { GUIDANCE_RANGE, MAX_SEED, MAX_VARIATIONS, STEPS_RANGE } from './limits';

export { MAX_VARIATIONS } from './limits';

export type VaryBy = 'seed' | 'guidance' | 'steps';
export const VARY_BY: readonly VaryBy[] = ['seed', 'guidance', 'steps'];

/** The settings one variation runs with (everything else is the form's). */
export interface VariationSettings {
  readonly seed: number;
  readonly guidanceScale: number;
  readonly steps: number;
}

/**
 * Seeds of `count` variations from `seed`: s, s + C, s + 2C, … with C the report candidates each variation samples
 * (seeds s … s + C − 1 for the first one's candidates), so no two jobs of one Generate share a seed. Wraps at 2^32.
 */
export function variationSeeds(seed: number, count: number, candidatesPerVariation = 1): number[] {
  const stride = Math.max(1, Math.floor(candidatesPerVariation));
  return Array.from({ length: Math.max(1, Math.floor(count)) }, (_, k) => (seed + k * stride) % (MAX_SEED + 1));
}

const SWEPT = {
  guidance: { label: 'Guidance values', range: GUIDANCE_RANGE, integer: false, example: '3, 7.5' },
  steps: { label: 'Steps values', range: STEPS_RANGE, integer: true, example: '20, 50' },
} as const;

/**
 * The values of a swept setting, as typed ("3, 7.5" or "3 7.5"): 2 to MAX_VARIATIONS distinct numbers within the
 * setting's own range, in the order given.
 */
export function parseVariationValues(varyBy: Exclude<VaryBy, 'seed'>, text: string): { ok: true; values: number[] } | { ok: false; problem: string } {
  const { label, range, integer, example } = SWEPT[varyBy];
  const kind = integer ? 'whole numbers' : 'numbers';
  const need = `${label} must be 2 to ${MAX_VARIATIONS} different ${kind} from ${range.min} to ${range.max}, separated by commas (e.g. ${example})`;
  const parts = text
    .split(/[,;\s]+/)
    .map((p) => p.trim())
    .filter((p) => p !== '');
  if (parts.length < 2 || parts.length > MAX_VARIATIONS) return { ok: false, problem: `${need}.` };
  const values = parts.map(Number);
  const bad = parts.find((p, i) => {
    const v = values[i] as number;
    return !/^\d+(\.\d+)?$/.test(p) || v < range.min || v > range.max || (integer && !Number.isInteger(v));
  });
  if (bad !== undefined) return { ok: false, problem: `${need}; "${bad.length > 24 ? `${bad.slice(0, 24)}…` : bad}" is not.` };
  if (new Set(values).size !== values.length) return { ok: false, problem: `${need}; a value is repeated.` };
  return { ok: true, values };
}

/** What a valid sweep will make, for the form ("7,5" reads as 7 and 5: the user sees it before generating). */
export function describeSweep(varyBy: Exclude<VaryBy, 'seed'>, values: readonly number[]): string {
  const list = values.length > 1 ? `${values.slice(0, -1).join(', ')} and ${values[values.length - 1] ?? ''}` : values.join('');
  return `Makes ${values.length} results, ${varyBy} ${list}, all at the same seed`;
}

/**
 * What each variation runs with. Varying the seed: `count` seeds (variationSeeds). Sweeping guidance or steps: one
 * variation per value, all at the form's seed, so the swept setting is the only difference. Throws on values the
 * form's checks would have refused (composeRequest runs those first).
 */
export function planVariations(
  base: VariationSettings,
  vary: { readonly varyBy: VaryBy; readonly variations: number; readonly varyValues: string },
  candidatesPerVariation = 1,
): VariationSettings[] {
  if (vary.varyBy === 'seed') return variationSeeds(base.seed, vary.variations, candidatesPerVariation).map((seed) => ({ ...base, seed }));
  const parsed = parseVariationValues(vary.varyBy, vary.varyValues);
  if (!parsed.ok) throw new Error(parsed.problem);
  return parsed.values.map((value) => (vary.varyBy === 'guidance' ? { ...base, guidanceScale: value } : { ...base, steps: value }));
}
