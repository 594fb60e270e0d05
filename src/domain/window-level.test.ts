import { describe, expect, it } from 'vitest';
import {
  IDENTITY_WL,
  MAX_WINDOW,
  MAX_ZOOM,
  MIN_ZOOM,
  applyWindowLevel,
  autoWindowLevel,
  describeView,
  dragWindowLevel,
  fitTransform,
  imagePointAt,
  panBy,
  toggleInvert,
  wheelZoomFactor,
  windowLevelLut,
  zoomAt,
} from './window-level';

describe('windowLevelLut', () => {
  it('is the identity for the default window', () => {
    const lut = windowLevelLut(IDENTITY_WL);
    expect(Array.from(lut)).toEqual(Array.from({ length: 256 }, (_, i) => i));
  });

  it('clips below and above a narrow window and is linear inside', () => {
    const lut = windowLevelLut({ window: 100, level: 100 });
    expect(lut[0]).toBe(0);
    expect(lut[50]).toBe(0);
    expect(lut[100]).toBe(128);
    expect(lut[150]).toBe(255);
    expect(lut[255]).toBe(255);
    for (let v = 51; v < 150; v += 1) expect(lut[v]).toBeGreaterThanOrEqual(lut[v - 1] ?? 0);
  });

  it('clamps a window of zero to a hard threshold instead of dividing by zero', () => {
    const lut = windowLevelLut({ window: 0, level: 128 });
    expect(lut[127]).toBe(0);
    expect(lut[129]).toBe(255);
  });
});

describe('applyWindowLevel', () => {
  it('maps every pixel through the table without touching the input', () => {
    const input = new Uint8ClampedArray([0, 100, 200]);
    const out = applyWindowLevel(input, { window: 100, level: 100 });
    expect(Array.from(out)).toEqual([0, 128, 255]);
    expect(Array.from(input)).toEqual([0, 100, 200]);
  });
});

describe('dragWindowLevel', () => {
  it('widens the window to the right and raises the level downwards', () => {
    expect(dragWindowLevel({ window: 200, level: 100 }, 30, -20)).toEqual({ window: 230, level: 80 });
  });

  it('clamps to the valid range', () => {
    expect(dragWindowLevel({ window: 10, level: 10 }, -1000, -1000)).toEqual({ window: 1, level: 0 });
    expect(dragWindowLevel({ window: 10, level: 10 }, 5000, 5000)).toEqual({ window: MAX_WINDOW, level: 255 });
  });

  it('scales by the sensitivity', () => {
    expect(dragWindowLevel({ window: 100, level: 100 }, 10, 10, 2)).toEqual({ window: 120, level: 120 });
  });
});

describe('zoom and pan', () => {
  it('fits and centres an image in the viewport', () => {
    expect(fitTransform(64, 64, 256, 320)).toEqual({ zoom: 4, panX: 0, panY: 32 });
    expect(fitTransform(100, 50, 100, 100)).toEqual({ zoom: 1, panX: 0, panY: 25 });
  });

  it('keeps the point under the cursor fixed when zooming', () => {
    const view = { zoom: 2, panX: 10, panY: 20 };
    const next = zoomAt(view, 2, 50, 60);
    // image point under the cursor before: ((50-10)/2, (60-20)/2) = (20, 20)
    expect(next.zoom).toBe(4);
    expect((50 - next.panX) / next.zoom).toBeCloseTo(20);
    expect((60 - next.panY) / next.zoom).toBeCloseTo(20);
  });

  it('clamps the zoom and stays consistent at the limits', () => {
    const view = { zoom: MAX_ZOOM, panX: 0, panY: 0 };
    expect(zoomAt(view, 4, 10, 10)).toEqual(view);
    expect(zoomAt({ zoom: 1, panX: 0, panY: 0 }, 0.001, 0, 0).zoom).toBe(MIN_ZOOM);
  });

  it('pans by screen pixels', () => {
    expect(panBy({ zoom: 3, panX: 1, panY: 2 }, 5, -7)).toEqual({ zoom: 3, panX: 6, panY: -5 });
  });

  it('turns wheel deltas into gentle, symmetric zoom factors', () => {
    expect(wheelZoomFactor(-100)).toBeGreaterThan(1);
    expect(wheelZoomFactor(100)).toBeLessThan(1);
    expect(wheelZoomFactor(-100) * wheelZoomFactor(100)).toBeCloseTo(1);
    expect(wheelZoomFactor(-1e9)).toBeCloseTo(Math.exp(0.5));
  });

  it('describes the view', () => {
    expect(describeView({ window: 255.6, level: 127.5 }, { zoom: 4, panX: 0, panY: 0 })).toBe('W 256 L 128 · 400%');
    expect(describeView({ window: 100, level: 90, invert: true }, { zoom: 1, panX: 0, panY: 0 })).toBe('W 100 L 90 · inverted · 100%');
  });

  it('finds the image pixel under a viewport point, and nothing off the image', () => {
    const view = { zoom: 4, panX: 10, panY: 20 };
    expect(imagePointAt(view, 10, 20, 64, 32)).toEqual({ x: 0, y: 0 });
    expect(imagePointAt(view, 13.9, 23.9, 64, 32)).toEqual({ x: 0, y: 0 });
    expect(imagePointAt(view, 14, 24, 64, 32)).toEqual({ x: 1, y: 1 });
    expect(imagePointAt(view, 10 + 64 * 4 - 1, 20 + 32 * 4 - 1, 64, 32)).toEqual({ x: 63, y: 31 });
    expect(imagePointAt(view, 10 + 64 * 4, 30, 64, 32)).toBeNull();
    expect(imagePointAt(view, 9, 30, 64, 32)).toBeNull();
    expect(imagePointAt(view, 30, 20 + 32 * 4, 64, 32)).toBeNull();
  });
});

describe('invert', () => {
  it('turns the table into its negative after windowing, and back', () => {
    const inverted = windowLevelLut(toggleInvert(IDENTITY_WL));
    expect(Array.from(inverted)).toEqual(Array.from({ length: 256 }, (_, i) => 255 - i));
    const narrow = windowLevelLut({ window: 100, level: 100, invert: true });
    expect([narrow[0], narrow[50], narrow[100], narrow[150], narrow[255]]).toEqual([255, 255, 127, 0, 0]);
    expect(toggleInvert(toggleInvert({ window: 100, level: 100 }))).toEqual({ window: 100, level: 100 });
  });

  it('survives dragging and clamping', () => {
    expect(dragWindowLevel({ window: 200, level: 100, invert: true }, 30, -20)).toEqual({ window: 230, level: 80, invert: true });
    expect(dragWindowLevel({ window: 10, level: 10, invert: true }, -1000, 0).invert).toBe(true);
  });
});

describe('autoWindowLevel', () => {
  it('spans the 1st to 99th percentile, so a few extreme pixels do not set the window', () => {
    // 1,000 pixels from 100 to 149 (20 of each), plus 5 black and 5 white outliers (under 1 % each).
    const pixels: number[] = [];
    for (let v = 100; v < 150; v += 1) for (let k = 0; k < 20; k += 1) pixels.push(v);
    for (let k = 0; k < 5; k += 1) pixels.push(0, 255);
    const wl = autoWindowLevel(pixels);
    expect(wl).toEqual({ window: 50, level: 124.5 });
    const lut = windowLevelLut(wl);
    expect(lut[99]).toBe(0);
    expect(lut[100]).toBe(3);
    expect(lut[149]).toBe(252);
    expect(lut[150]).toBe(255);
  });

  it('keeps the inversion and handles flat and empty images', () => {
    expect(autoWindowLevel(new Uint8ClampedArray(100).fill(80), { window: 256, level: 127.5, invert: true })).toEqual({ window: 1, level: 80, invert: true });
    expect(autoWindowLevel([], { window: 40, level: 40, invert: true })).toEqual({ ...IDENTITY_WL, invert: true });
    expect(autoWindowLevel(new Uint8ClampedArray([0, 255]))).toEqual({ window: 256, level: 127.5 });
  });
});
