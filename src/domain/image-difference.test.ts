import { describe, expect, it } from 'vitest';
import { imageDifference, imageSpread } from './image-difference';

const image = (pixels: number[], width = pixels.length, height = 1) => ({ width, height, pixels: Uint8ClampedArray.from(pixels) });

describe('imageDifference', () => {
  it('takes |a − b| per pixel, with its mean, maximum and share of visible changes', () => {
    const d = imageDifference(image([10, 200, 50, 0], 2, 2), image([30, 100, 50, 17], 2, 2));
    // |Δ| = 20, 100, 0, 17; the 99th percentile is 100, so the gain is floor(255 / 100) = 2.
    expect(d.gain).toBe(2);
    expect([...d.image.pixels]).toEqual([40, 200, 0, 34]);
    expect(d.image).toMatchObject({ width: 2, height: 2 });
    expect(d.meanAbs).toBe(34.25);
    expect(d.maxAbs).toBe(100);
    expect(d.changedShare).toBe(0.75);
  });

  it('brightens small differences at most 16 times, clips at white, and shows identical images black', () => {
    const small = imageDifference(image(Array(100).fill(100)), image([...Array(99).fill(101), 255]));
    // 99 of 100 pixels differ by 1: the 99th percentile is 1, the gain capped at 16; the outlier (155) clips.
    expect(small.gain).toBe(16);
    expect(small.image.pixels[0]).toBe(16);
    expect(small.image.pixels[99]).toBe(255);
    expect(small.maxAbs).toBe(155);
    const same = imageDifference(image([5, 6, 7]), image([5, 6, 7]));
    expect([...same.image.pixels]).toEqual([0, 0, 0]);
    expect(same).toMatchObject({ meanAbs: 0, maxAbs: 0, changedShare: 0, gain: 16 });
  });

  it('refuses images of different sizes or with the wrong pixel count, naming the sizes', () => {
    expect(() => imageDifference(image([1, 2, 3, 4], 2, 2), image([1, 2, 3, 4], 4, 1))).toThrow('(2×2 and 4×1)');
    expect(() => imageDifference(image([1, 2, 3], 2, 2), image([1, 2, 3, 4], 2, 2))).toThrow('wrong number of pixels');
  });
});

describe('imageSpread', () => {
  it('takes largest minus smallest per pixel over three or four images', () => {
    const d = imageSpread([image([10, 200, 50, 0], 2, 2), image([30, 100, 50, 17], 2, 2), image([0, 150, 90, 17], 2, 2)]);
    // spreads 30, 100, 40, 17; the 99th percentile is 100, so the gain is 2
    expect([...d.image.pixels]).toEqual([60, 200, 80, 34]);
    expect(d).toMatchObject({ gain: 2, meanAbs: 46.75, maxAbs: 100, changedShare: 1 });
  });

  it('over four images, brightens a faint spread at most 16 times and lets one outlier clip', () => {
    const flat = Array(100).fill(100) as number[];
    const d = imageSpread([image(flat), image([...Array(99).fill(101), 100]), image([...Array(99).fill(100), 250]), image(flat)]);
    // spreads: 1 on 99 pixels, 150 on the last; the 99th percentile is 1, so the gain is capped at 16
    expect(d.gain).toBe(16);
    expect(d.image.pixels[0]).toBe(16);
    expect(d.image.pixels[99]).toBe(255);
    expect(d).toMatchObject({ maxAbs: 150, changedShare: 0.01 });
    expect(d.meanAbs).toBeCloseTo((99 + 150) / 100, 12);
  });

  it('is |a − b| for two images, and refuses one image or images of different sizes', () => {
    const a = image([3, 90, 250, 7]);
    const b = image([40, 80, 0, 7]);
    expect(imageSpread([a, b])).toEqual(imageDifference(a, b));
    expect([...imageSpread([a, b]).image.pixels]).toEqual([37, 10, 250, 0]);
    expect(() => imageSpread([a])).toThrow('at least two images');
    expect(() => imageSpread([a, b, image([1, 2, 3, 4], 2, 2)])).toThrow('(4×1 and 2×2)');
  });
});
