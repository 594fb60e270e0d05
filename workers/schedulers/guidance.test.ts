import { describe, expect, it } from 'vitest';
import { cfgCombine, duplicateBatch } from './guidance';

describe('cfgCombine', () => {
  it('ε = ε_u + s(ε_c − ε_u), first half unconditional', () => {
    const eps2 = new Float32Array([1, 2, 3, /* cond */ 2, 2, 0]);
    expect(Array.from(cfgCombine(eps2, 7.5))).toEqual([8.5, 2, -19.5]);
    expect(Array.from(cfgCombine(eps2, 1))).toEqual([2, 2, 0]);
    expect(Array.from(cfgCombine(eps2, 0))).toEqual([1, 2, 3]);
  });
  it('rejects odd lengths', () => {
    expect(() => cfgCombine(new Float32Array(3), 7.5)).toThrow(/even/);
  });
});

describe('duplicateBatch', () => {
  it('concatenates [x, x]', () => {
    expect(Array.from(duplicateBatch(new Float32Array([1, 2])))).toEqual([1, 2, 1, 2]);
  });
});
