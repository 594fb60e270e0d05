import { describe, expect, it } from 'vitest';
import type { GreyImage } from '../../contracts/job';
import { clampCrop, padToSquare, toModelInput } from './model-input';

const image = (width: number, height: number, f: (x: number, y: number) => number): GreyImage => {
  const pixels = new Uint8ClampedArray(width * height);
  for (let y = 0; y < height; y += 1) for (let x = 0; x < width; x += 1) pixels[y * width + x] = f(x, y);
  return { width, height, pixels };
};

describe('toModelInput', () => {
  it('centre-crops a wide image to the model size', () => {
    const wide = image(8, 4, (x) => (x < 2 || x >= 6 ? 0 : 200));
    const out = toModelInput(wide, 2);
    expect([out.width, out.height]).toEqual([2, 2]);
    expect(Array.from(out.pixels)).toEqual([200, 200, 200, 200]);
  });

  it('pads to a black square when asked (the authors’ preprocessing)', () => {
    const tall = image(2, 4, () => 200);
    expect(Array.from(padToSquare(tall).pixels)).toEqual([0, 200, 200, 0, 0, 200, 200, 0, 0, 200, 200, 0, 0, 200, 200, 0]);
    expect(Array.from(toModelInput(tall, 2, { fit: 'pad' }).pixels)).toEqual([100, 100, 100, 100]);
  });

  it('uses the chosen region and clamps it to the image', () => {
    const quad = image(4, 4, (x, y) => (x >= 2 && y >= 2 ? 255 : 0));
    expect(Array.from(toModelInput(quad, 1, { crop: { x: 2, y: 2, width: 2, height: 2 } }).pixels)).toEqual([255]);
    expect(clampCrop(4, 4, { x: -5, y: 3.7, width: 100, height: 100 })).toEqual({ x: 0, y: 3, width: 4, height: 1 });
  });
});
