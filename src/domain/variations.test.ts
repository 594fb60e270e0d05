import { describe, expect, it } from 'vitest';
import { MAX_COMPARED } from './result-compare';
import { MAX_VARIATIONS, variationSeeds } from './variations';

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
