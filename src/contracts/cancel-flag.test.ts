import { describe, expect, it } from 'vitest';
import { createCancelFlag, isCancelFlag, isCancelFlagSet, setCancelFlag } from './cancel-flag';

describe('cancel flag', () => {
  it('starts clear, is set once, and survives a structured clone as the same memory', () => {
    const flag = createCancelFlag();
    expect(flag && isCancelFlag(flag)).toBe(true);
    const copy = structuredClone(flag as Int32Array); // what postMessage does to it between threads
    expect(isCancelFlagSet(copy)).toBe(false);
    setCancelFlag(flag as Int32Array);
    expect(isCancelFlagSet(copy)).toBe(true);
  });

  it('is not made where SharedArrayBuffer is off limits, and plain arrays are not flags', () => {
    const isolated = Object.getOwnPropertyDescriptor(globalThis, 'crossOriginIsolated');
    Object.defineProperty(globalThis, 'crossOriginIsolated', { value: false, configurable: true });
    try {
      expect(createCancelFlag()).toBeUndefined();
    } finally {
      if (isolated) Object.defineProperty(globalThis, 'crossOriginIsolated', isolated);
      else delete (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated;
    }
    expect(isCancelFlag(new Int32Array(1))).toBe(false);
    expect(isCancelFlag(new Int32Array(new SharedArrayBuffer(0)))).toBe(false);
    expect(isCancelFlag(new Uint8Array(new SharedArrayBuffer(4)))).toBe(false);
    expect(isCancelFlag('flag')).toBe(false);
  });
});
