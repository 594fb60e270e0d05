import { describe, expect, it } from 'vitest';
import { MAX_COMPARED } from './result-compare';
import { MAX_VARIATIONS, describeSweep, parseVariationValues, planVariations, variationSeeds } from './variations';

describe('variationSeeds', () => {
  it('steps by one, or by the report candidates of each variation so that no two jobs share a seed', () => {
    expect(variationSeeds(42, 1)).toEqual([42]);
    expect(variationSeeds(42, 4)).toEqual([42, 43, 44, 45]);
    expect(variationSeeds(100, 3, 5)).toEqual([100, 105, 110]);
  });

  it('wraps at 2^32 and treats nonsense counts as one', () => {
    expect(variationSeeds(0xffff_fffe, 3)).toEqual([0xffff_fffe, 0xffff_ffff, 0]);
    expect(variationSeeds(7, 0)).toEqual([7]);
    expect(variationSeeds(7, 2, 0)).toEqual([7, 8]);
  });

  it('makes no more variations than Compare shows side by side', () => {
    expect(MAX_VARIATIONS).toBe(MAX_COMPARED);
  });
});

describe('parseVariationValues', () => {
  it('reads 2 to 4 values separated by commas, semicolons or spaces, in the order given', () => {
    expect(parseVariationValues('guidance', '7.5, 3')).toEqual({ ok: true, values: [7.5, 3] });
    expect(parseVariationValues('guidance', ' 1;3 7.5  12 ')).toEqual({ ok: true, values: [1, 3, 7.5, 12] });
    expect(parseVariationValues('steps', '20,50')).toEqual({ ok: true, values: [20, 50] });
  });

  it('refuses too few or too many values, values out of range or not numbers, fractions of steps, and repeats', () => {
    const problem = (varyBy: 'guidance' | 'steps', text: string) => {
      const r = parseVariationValues(varyBy, text);
      return r.ok ? null : r.problem;
    };
    const guidance = 'Guidance values must be 2 to 4 different numbers from 0 to 30, separated by commas (e.g. 3, 7.5)';
    const steps = 'Steps values must be 2 to 4 different whole numbers from 1 to 1000, separated by commas (e.g. 20, 50)';
    expect(problem('guidance', '')).toBe(`${guidance}.`);
    expect(problem('guidance', '1, 2, 3, 4, 5')).toBe(`${guidance}.`);
    expect(problem('guidance', '3, 31')).toBe(`${guidance}; "31" is not.`);
    expect(problem('guidance', '3, -1')).toBe(`${guidance}; "-1" is not.`);
    expect(problem('guidance', '3, abc')).toBe(`${guidance}; "abc" is not.`);
    expect(problem('guidance', '3, 1e1')).toBe(`${guidance}; "1e1" is not.`);
    expect(problem('steps', '20, 0')).toBe(`${steps}; "0" is not.`);
    expect(problem('steps', '20, 2.5')).toBe(`${steps}; "2.5" is not.`);
    expect(problem('steps', '20, 20')).toBe(`${steps}; a value is repeated.`);
    expect(problem('guidance', '3, 3.0')).toBe(`${guidance}; a value is repeated.`);
    expect(problem('guidance', '3, .5')).toBe(`${guidance}; ".5" is not.`);
    expect(problem('guidance', '3, 7.')).toBe(`${guidance}; "7." is not.`);
    expect(problem('steps', `20, ${'1'.repeat(400)}`)).toBe(`${steps}; "${'1'.repeat(24)}…" is not.`);
  });

  it('reads "7,5" as two values and says so before anything runs', () => {
    const parsed = parseVariationValues('guidance', '7,5');
    expect(parsed).toEqual({ ok: true, values: [7, 5] });
    expect(describeSweep('guidance', [7, 5])).toBe('Makes 2 results, guidance 7 and 5, all at the same seed');
    expect(describeSweep('steps', [20, 50, 100])).toBe('Makes 3 results, steps 20, 50 and 100, all at the same seed');
  });
});

describe('planVariations', () => {
  const base = { seed: 42, guidanceScale: 7.5, steps: 50 };

  it('varies the seed by count, stepping over each variation’s report candidates', () => {
    expect(planVariations(base, { varyBy: 'seed', variations: 3, varyValues: '1, 2' }, 2)).toEqual([
      { seed: 42, guidanceScale: 7.5, steps: 50 },
      { seed: 44, guidanceScale: 7.5, steps: 50 },
      { seed: 46, guidanceScale: 7.5, steps: 50 },
    ]);
  });

  it('sweeps guidance or steps at one seed, so the swept setting is the only difference', () => {
    expect(planVariations(base, { varyBy: 'guidance', variations: 4, varyValues: '3, 7.5' }, 5)).toEqual([
      { seed: 42, guidanceScale: 3, steps: 50 },
      { seed: 42, guidanceScale: 7.5, steps: 50 },
    ]);
    expect(planVariations(base, { varyBy: 'steps', variations: 1, varyValues: '20 50 100' })).toEqual([
      { seed: 42, guidanceScale: 7.5, steps: 20 },
      { seed: 42, guidanceScale: 7.5, steps: 50 },
      { seed: 42, guidanceScale: 7.5, steps: 100 },
    ]);
  });

  it('throws on values the form would have refused', () => {
    expect(() => planVariations(base, { varyBy: 'steps', variations: 1, varyValues: '20' })).toThrow(/^Steps values must be/);
  });
});
