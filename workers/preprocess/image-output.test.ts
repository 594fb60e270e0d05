import { describe, expect, it } from 'vitest';
import { greyToFloat01, greyToVaeInput, latentImageToGrey } from './image-output';

describe('image output (spec §4.1)', () => {
  it('channel 0, clamp((x+1)/2), round(255v)', () => {
    // [1,3,1,4]: channel 0 then channels 1, 2 (ignored)
    const t = new Float32Array([-2, -1, 0, 1.5, 9, 9, 9, 9, 9, 9, 9, 9]);
    const g = latentImageToGrey(t, 4, 1);
    expect(Array.from(g.pixels)).toEqual([0, 0, 128, 255]);
    expect(g.width).toBe(4);
    expect(g.height).toBe(1);
  });
  it('selects a batch sample', () => {
    const t = new Float32Array(6);
    t[3] = 1;
    expect(Array.from(latentImageToGrey(t, 1, 1, 1).pixels)).toEqual([255]);
    expect(() => latentImageToGrey(t, 1, 1, 2)).toThrow();
  });
  it('grey → [0,1] and → VAE input [-1,1] tiled to 3 channels', () => {
    const img = { width: 2, height: 1, pixels: new Uint8ClampedArray([0, 255]) };
    expect(Array.from(greyToFloat01(img))).toEqual([0, 1]);
    expect(Array.from(greyToVaeInput(img))).toEqual([-1, 1, -1, 1, -1, 1]);
  });
});
