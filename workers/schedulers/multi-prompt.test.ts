import { describe, expect, it } from 'vitest';
import { mixConditions } from './multi-prompt';

const E = 3;
const uTxt = new Float32Array([1, 0, 0]);
const uImg = new Float32Array([0, 1, 0]);

describe('mixConditions (spec §3.6)', () => {
  it('one condition: [uncond, cond] unchanged', () => {
    const out = mixConditions([{ cond: new Float32Array([0.6, 0.8, 0]), uncond: uTxt, weight: 1 }], E, 1);
    expect(Array.from(out)).toEqual(Array.from(new Float32Array([1, 0, 0, 0.6, 0.8, 0])));
  });

  it('weighted mean without re-normalisation, same weights for the uncond half', () => {
    const out = mixConditions(
      [
        { cond: new Float32Array([0, 0, 1]), uncond: uTxt, weight: 1 },
        { cond: new Float32Array([0, 1, 0]), uncond: uImg, weight: 3 },
      ],
      E,
      1,
    );
    expect(Array.from(out)).toEqual(Array.from(new Float32Array([0.25, 0.75, 0, 0, 0.75, 0.25])));
  });

  it('batch: [B,E] conds with [E] unconds broadcast; layout [2B,1,E] uncond first', () => {
    const cond = new Float32Array([1, 2, 3, 4, 5, 6]);
    const out = mixConditions([{ cond, uncond: uTxt, weight: 2 }], E, 2);
    expect(Array.from(out)).toEqual([1, 0, 0, 1, 0, 0, 1, 2, 3, 4, 5, 6]);
  });

  it('throws clear errors', () => {
    expect(() => mixConditions([], E, 1)).toThrow(/at least one/);
    expect(() => mixConditions([{ cond: uTxt, uncond: uTxt, weight: 0 }], E, 1)).toThrow(/total weight/);
    expect(() => mixConditions([{ cond: uTxt, uncond: uTxt, weight: -1 }], E, 1)).toThrow(/total weight/);
    expect(() => mixConditions([{ cond: new Float32Array(4), uncond: uTxt, weight: 1 }], E, 1)).toThrow(/length 4/);
    expect(() => mixConditions([{ cond: uTxt, uncond: uTxt, weight: Number.NaN }], E, 1)).toThrow(/non-finite/);
  });
});
