import { describe, expect, it } from 'vitest';
import type { DisplayPipeline, ScalarImage } from './scalar-image';
import { bitDepthWindow, fullRangeWindow, linearExactWindow, linearWindow, lutWindow, renderDisplay, sigmoidWindow } from './windowing';

const row = (values: number[]): ScalarImage => ({ width: values.length, height: 1, values: Float32Array.from(values) });
const render = (values: number[], display: DisplayPipeline) => Array.from(renderDisplay(row(values), display).pixels);
const linear = (center: number, width: number, invert = false): DisplayPipeline => ({ voi: { kind: 'window', center, width, fn: 'LINEAR', source: 'file' }, invert });

// Golden values computed by hand from PS3.3 C.11.2.1.2.1 (LINEAR), C.11.2.1.3.1 (SIGMOID), C.11.2.1.3.2 (LINEAR_EXACT).
describe('golden windowing (PS3.3 C.11.2)', () => {
  it('LINEAR uses c − 0.5 and w − 1', () => {
    // c=2048 w=4096 → ramp from 0 to 4095; 1024 → (1024 − 2047.5)/4095 + 0.5 = 0.250061
    expect(linearWindow(0, 2048, 4096)).toBe(0);
    expect(linearWindow(1024, 2048, 4096)).toBeCloseTo(0.250061, 6);
    expect(linearWindow(2047.5, 2048, 4096)).toBe(0.5);
    expect(linearWindow(4095, 2048, 4096)).toBe(1);
    expect(render([0, 1024, 2048, 3072, 4095, 9999], linear(2048, 4096))).toEqual([0, 64, 128, 191, 255, 255]);
  });

  it('LINEAR with a CT-style window clips both ends exactly where the standard says', () => {
    // c=40 w=400: x ≤ −160 → 0, x > 239 → 1; −159 → 0.002506 → 1; 239 → 1.0
    expect(render([-1000, -160, -159, 39.5, 239, 240], linear(40, 400))).toEqual([0, 0, 1, 128, 255, 255]);
  });

  it('LINEAR width 1 is a threshold at c − 0.5', () => {
    expect(render([99, 99.5, 99.6, 100, 101], linear(100, 1))).toEqual([0, 0, 255, 255, 255]);
  });

  it('LINEAR_EXACT is the plain c ± w/2 ramp', () => {
    expect(linearExactWindow(75, 100, 50)).toBe(0);
    expect(linearExactWindow(87.5, 100, 50)).toBe(0.25);
    expect(linearExactWindow(100, 100, 50)).toBe(0.5);
    expect(linearExactWindow(125, 100, 50)).toBe(1);
    expect(linearExactWindow(125.01, 100, 50)).toBe(1);
  });

  it('SIGMOID is 1/(1+exp(−4(x−c)/w))', () => {
    expect(sigmoidWindow(100, 100, 50)).toBe(0.5);
    expect(sigmoidWindow(125, 100, 50)).toBeCloseTo(0.880797, 6);
    expect(sigmoidWindow(75, 100, 50)).toBeCloseTo(0.119203, 6);
    expect(render([75, 100, 125], { voi: { kind: 'window', center: 100, width: 50, fn: 'SIGMOID', source: 'file' }, invert: false })).toEqual([30, 128, 225]);
  });

  it('VOI LUT clamps below the first mapped value and above the last entry', () => {
    const data = Uint16Array.from([0, 100, 200, 255]);
    expect(lutWindow(5, 10, 8, data)).toBe(0);
    expect(lutWindow(11, 10, 8, data)).toBeCloseTo(100 / 255, 9);
    expect(lutWindow(13, 10, 8, data)).toBe(1);
    expect(lutWindow(500, 10, 8, data)).toBe(1);
    const display: DisplayPipeline = { voi: { kind: 'lut', firstMapped: 10, outputBits: 8, data, explanation: '', source: 'file' }, invert: false };
    expect(render([0, 10, 11, 12, 13, 99], display)).toEqual([0, 0, 100, 200, 255, 255]);
  });

  it('MONOCHROME1 inverts: the lowest value shows white', () => {
    expect(render([0, 1024, 2048, 4095], linear(2048, 4096, true))).toEqual([255, 191, 127, 0]);
  });

  it('the fallback window covers exactly the values present', () => {
    const image = row([100, 600, 1100]);
    const voi = fullRangeWindow(image);
    expect(voi).toMatchObject({ center: 600.5, width: 1001, fn: 'LINEAR', source: 'full-range' });
    expect(Array.from(renderDisplay(image, { voi, invert: false }).pixels)).toEqual([0, 128, 255]);
  });

  it('bit-depth windows are the identity for 8 bits and span signed ranges', () => {
    expect(render([0, 1, 127, 254, 255], { voi: bitDepthWindow(8), invert: false })).toEqual([0, 1, 127, 254, 255]);
    expect(bitDepthWindow(12, true)).toMatchObject({ center: 0, width: 4096 });
  });
});
