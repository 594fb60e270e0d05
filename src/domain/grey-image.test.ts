import { describe, expect, it } from 'vitest';
import type { GreyImage } from '../contracts/job';
import { centreCropResize, centreSquare, greyToRgba, rgbaToGrey, sniffImageKind } from './grey-image';

function grey(width: number, height: number, f: (x: number, y: number) => number): GreyImage {
  const pixels = new Uint8ClampedArray(width * height);
  for (let y = 0; y < height; y += 1) for (let x = 0; x < width; x += 1) pixels[y * width + x] = f(x, y);
  return { width, height, pixels };
}

describe('sniffImageKind', () => {
  it('recognises PNG and JPEG signatures', () => {
    expect(sniffImageKind(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]))).toBe('png');
    expect(sniffImageKind(new Uint8Array([0xff, 0xd8, 0xff, 0xe0]))).toBe('jpeg');
  });

  it('rejects other files, truncated headers and text pretending to be an image', () => {
    expect(sniffImageKind(new Uint8Array([0x47, 0x49, 0x46, 0x38, 0x39, 0x61]))).toBeNull(); // GIF89a
    expect(sniffImageKind(new Uint8Array([0x89, 0x50, 0x4e]))).toBeNull();
    expect(sniffImageKind(new TextEncoder().encode('not an image.png'))).toBeNull();
    expect(sniffImageKind(new Uint8Array(0))).toBeNull();
  });
});

describe('rgbaToGrey', () => {
  it('uses BT.601 luma and treats transparency as black', () => {
    const rgba = new Uint8ClampedArray([255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255, 200, 200, 200, 0]);
    const out = rgbaToGrey(rgba, 4, 1);
    expect(Array.from(out.pixels)).toEqual([76, 150, 29, 0]);
    expect(out.width).toBe(4);
    expect(out.height).toBe(1);
  });

  it('keeps grey values exactly', () => {
    const rgba = new Uint8ClampedArray([17, 17, 17, 255, 254, 254, 254, 255]);
    expect(Array.from(rgbaToGrey(rgba, 2, 1).pixels)).toEqual([17, 254]);
  });

  it('refuses a buffer of the wrong length', () => {
    expect(() => rgbaToGrey(new Uint8ClampedArray(7), 2, 1)).toThrow(/expected 8/);
  });
});

describe('centreSquare', () => {
  it('centres the crop on the long side', () => {
    expect(centreSquare(300, 200)).toEqual({ x: 50, y: 0, size: 200 });
    expect(centreSquare(200, 301)).toEqual({ x: 0, y: 50, size: 200 });
    expect(centreSquare(64, 64)).toEqual({ x: 0, y: 0, size: 64 });
  });
});

describe('centreCropResize', () => {
  it('returns the same pixels at the same size', () => {
    const image = grey(4, 4, (x, y) => x * 10 + y);
    expect(Array.from(centreCropResize(image, 4).pixels)).toEqual(Array.from(image.pixels));
  });

  it('averages 2×2 blocks when halving', () => {
    const image = grey(4, 4, (x, y) => (x < 2 ? 0 : 200) + (y < 2 ? 0 : 40));
    expect(Array.from(centreCropResize(image, 2).pixels)).toEqual([0, 200, 40, 240]);
  });

  it('crops a landscape image to its centre before resizing', () => {
    // Left and right thirds are white, the centre square is black.
    const image = grey(6, 2, (x) => (x >= 2 && x < 4 ? 0 : 255));
    const out = centreCropResize(image, 2);
    expect(Array.from(out.pixels)).toEqual([0, 0, 0, 0]);
  });

  it('handles non-integer scale factors by area weights', () => {
    const image = grey(3, 3, (x) => (x === 1 ? 90 : 0));
    // Each output pixel covers 1.5 source columns: [0,1.5) and [1.5,3) each take half of the middle column.
    expect(Array.from(centreCropResize(image, 2).pixels)).toEqual([30, 30, 30, 30]);
  });

  it('interpolates when enlarging and keeps constant images constant', () => {
    const flat = grey(2, 2, () => 77);
    expect(new Set(centreCropResize(flat, 5).pixels)).toEqual(new Set([77]));
    const ramp = grey(2, 1, (x) => x * 100);
    const wide = centreCropResize({ ...ramp, height: 1, width: 1, pixels: new Uint8ClampedArray([50]) }, 3);
    expect(Array.from(wide.pixels)).toEqual(new Array(9).fill(50));
  });

  it('rejects bad sizes', () => {
    expect(() => centreCropResize(grey(2, 2, () => 0), 0)).toThrow(/positive integer/);
    expect(() => centreCropResize({ width: 0, height: 0, pixels: new Uint8ClampedArray(0) }, 2)).toThrow(/no pixels/);
  });
});

describe('greyToRgba', () => {
  it('expands to opaque RGBA', () => {
    expect(Array.from(greyToRgba(new Uint8ClampedArray([5, 250])))).toEqual([5, 5, 5, 255, 250, 250, 250, 255]);
  });
});
