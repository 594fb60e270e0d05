/**
 * @file Where two images of the same view differ (History → Compare of two results): |a − b| per pixel, brightened
 * by a whole-number gain so that the larger differences use the grey range, and a few numbers to read it by.
 */
import type { GreyImage } from '../contracts/job';

/** A difference above this (of 255) counts as a visible change in `changedShare`. */
export const VISIBLE_DIFFERENCE = 16;
const MAX_GAIN = 16;

export interface ImageDifference {
  /** |a − b| × gain, clipped at 255. */
  readonly image: GreyImage;
  readonly gain: number;
  /** Mean and largest |a − b|, 0–255, before the gain. */
  readonly meanAbs: number;
  readonly maxAbs: number;
  /** Share of pixels whose |a − b| exceeds VISIBLE_DIFFERENCE. */
  readonly changedShare: number;
}

/** Refuses images of different sizes: their pixels do not correspond. */
export function imageDifference(a: GreyImage, b: GreyImage): ImageDifference {
  if (a.width !== b.width || a.height !== b.height) {
    throw new Error(`Images of different sizes cannot be compared pixel by pixel (${a.width}×${a.height} and ${b.width}×${b.height})`);
  }
  const n = a.width * a.height;
  if (a.pixels.length !== n || b.pixels.length !== n) throw new Error('An image has the wrong number of pixels for its size');
  const diff = new Uint8ClampedArray(n);
  const histogram = new Uint32Array(256);
  let sum = 0;
  let max = 0;
  let changed = 0;
  for (let i = 0; i < n; i++) {
    const d = Math.abs((a.pixels[i] as number) - (b.pixels[i] as number));
    diff[i] = d;
    histogram[d] = (histogram[d] as number) + 1;
    sum += d;
    if (d > max) max = d;
    if (d > VISIBLE_DIFFERENCE) changed += 1;
  }
  // The gain maps the 99th percentile of the differences to white (so a few outliers do not set it), at most 16×.
  let seen = 0;
  let p99 = 0;
  for (let d = 0; d < 256; d++) {
    seen += histogram[d] as number;
    if (seen >= 0.99 * n) {
      p99 = d;
      break;
    }
  }
  const gain = Math.max(1, Math.min(MAX_GAIN, Math.floor(255 / Math.max(p99, 1))));
  const pixels = new Uint8ClampedArray(n);
  for (let i = 0; i < n; i++) pixels[i] = (diff[i] as number) * gain;
  return { image: { width: a.width, height: a.height, pixels }, gain, meanAbs: n > 0 ? sum / n : 0, maxAbs: max, changedShare: n > 0 ? changed / n : 0 };
}
