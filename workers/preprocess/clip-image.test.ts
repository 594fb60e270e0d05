import { describe, expect, it } from 'vitest';
import type { GreyImage } from '../../src/contracts/job';
import fixture from './__fixtures__/clip-image.json';
import { clipImagePixels, floatToGreyBytes, preprocessClipImage, type FloatGreyImage } from './clip-image';
import { resizeGreyPil } from './pil-resample';

/** Same integer formulas as make_fixtures.py. */
function testImage(kind: string, w: number, h: number): GreyImage {
  const pixels = new Uint8ClampedArray(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let v: number;
      if (kind === 'texture') {
        v = (x * 7 + y * 13 + ((x * y) % 17) * 5) % 256;
      } else {
        const d2 = (x * 2 - w) ** 2 + (y * 2 - h + 4) ** 2;
        v = d2 < Math.floor((w * h) / 3) ? 200 + (x % 5) * 11 : 20 + ((x + 2 * y) % 40);
        if ((Math.floor(x / 7) + Math.floor(y / 5)) % 9 === 0) v = 255;
        if ((x * 3 + y) % 23 === 0) v = 0;
      }
      pixels[y * w + x] = v;
    }
  }
  return { width: w, height: h, pixels };
}

function floatImage(w: number, h: number): FloatGreyImage {
  const data = new Float32Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data[y * w + x] = ((x * 31 + y * 17) % 300) / 280 - 0.05;
  return { width: w, height: h, data };
}

function decode(b64: string): Uint8Array {
  return Uint8Array.from(Buffer.from(b64, 'base64'));
}

const config = { size: 64, mean: fixture.mean, std: fixture.std };

describe(`CLIP image preprocessing vs Pillow ${fixture.pillow}`, () => {
  it.each(fixture.cases.map((c) => [c.name, c] as const))('%s: uint8 pixels equal Pillow exactly', (_name, c) => {
    const input = c.input.kind === 'float' ? floatImage(c.input.width, c.input.height) : testImage(c.input.kind, c.input.width, c.input.height);
    const got = clipImagePixels(input, c.size);
    const want = decode(c.pixels);
    expect(want.length).toBe(c.size * c.size);
    expect(got.width).toBe(c.size);
    expect(got.height).toBe(c.size);
    let maxDiff = 0;
    for (let i = 0; i < want.length; i++) maxDiff = Math.max(maxDiff, Math.abs((got.pixels[i] as number) - (want[i] as number)));
    // Measured: 0 on every case — the fixed-point transcription of ImagingResample is exact.
    expect(maxDiff).toBe(0);
  });

  it('normalised tensor matches numpy float32 (transformers 4.24 rescale + normalize)', () => {
    const out = preprocessClipImage(testImage('texture', 80, 80), config);
    expect(out.length).toBe(3 * 64 * 64);
    const plane = 64 * 64;
    fixture.normalised.first.forEach((values, c) => {
      values.forEach((v, i) => expect(out[c * plane + i]).toBe(Math.fround(v)));
    });
    fixture.normalised.sum.forEach((s, c) => {
      let sum = 0;
      for (let i = 0; i < plane; i++) sum += out[c * plane + i] as number;
      expect(sum).toBeCloseTo(s, 6);
    });
  });

  it('an all-zero image becomes −mean/std per channel (the unconditional image, spec §2.2)', () => {
    const zeros: GreyImage = { width: 64, height: 64, pixels: new Uint8ClampedArray(64 * 64) };
    const out = preprocessClipImage(zeros, config);
    expect(out[0]).toBeCloseTo(-1.7923, 4);
    expect(out[64 * 64]).toBeCloseTo(-1.7521, 4);
    expect(out[2 * 64 * 64]).toBeCloseTo(-1.4802, 4);
  });

  it('float input becomes bytes as the reference casts it: clamped to [0,1], times 255, truncated; NaN is 0', () => {
    const img: FloatGreyImage = { width: 7, height: 1, data: new Float32Array([-0.5, 1.5, 1.7, Number.NaN, 0.5, 0.999, 1]) };
    expect(Array.from(floatToGreyBytes(img).pixels)).toEqual([0, 255, 255, 0, 127, 254, 255]);
    expect(Array.from(clipImagePixels({ width: 1, height: 1, data: new Float32Array([1.7]) }, 1).pixels)).toEqual([255]);
    expect(() => floatToGreyBytes({ width: 2, height: 2, data: new Float32Array(3) })).toThrow('Float image has 3 values, expected 2x2');
  });

  it('resizeGreyPil: same size is identity; constant images stay constant', () => {
    const img = testImage('texture', 33, 21);
    expect(Array.from(resizeGreyPil(img.pixels, 33, 21, 33, 21))).toEqual(Array.from(img.pixels));
    const flat = new Uint8ClampedArray(50 * 50).fill(77);
    expect(resizeGreyPil(flat, 50, 50, 17, 23).every((v) => v === 77)).toBe(true);
  });
});
