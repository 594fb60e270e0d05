/**
 * @file Where results of the same view differ (History → Compare): per pixel, the spread of the values, largest
 * minus smallest (|a − b| for two results), brightened by a whole-number gain so that the larger spreads use the
 * grey range, and a few numbers to read it by. Over several seeds of one prompt it shows where the model is unsure:
 * a finding drawn in some variations and not in others lights up.
 */
import type { GreyImage } from '../contracts/job';

/** A difference above this (of 255) counts as a visible change in `changedShare`. */
export const VISIBLE_DIFFERENCE = 16;
const MAX_GAIN = 16;

export interface ImageDifference {
  /** The per-pixel spread × gain, clipped at 255. */
  readonly image: GreyImage;
  readonly gain: number;
  /** Mean and largest per-pixel spread (|a − b| for two images), 0–255, before the gain. */
  readonly meanAbs: number;
  readonly maxAbs: number;
  /** Share of pixels whose spread exceeds VISIBLE_DIFFERENCE. */
  readonly changedShare: number;
}

/** |a − b| per pixel: the spread of two images. */
export function imageDifference(a: GreyImage, b: GreyImage): ImageDifference {
  return imageSpread([a, b]);
}

/** Largest minus smallest value per pixel over two or more images; refuses images of different sizes (their pixels do not correspond). */
export function imageSpread(images: readonly GreyImage[]): ImageDifference {
  const [first] = images;
  if (!first || images.length < 2) throw new Error('A spread needs at least two images');
  const { width, height } = first;
  const other = images.find((im) => im.width !== width || im.height !== height);
  if (other) throw new Error(`Images of different sizes cannot be compared pixel by pixel (${width}×${height} and ${other.width}×${other.height})`);
  const n = width * height;
  if (images.some((im) => im.pixels.length !== n)) throw new Error('An image has the wrong number of pixels for its size');
  const diff = new Uint8ClampedArray(n);
  const histogram = new Uint32Array(256);
  let sum = 0;
  let max = 0;
  let changed = 0;
  for (let i = 0; i < n; i++) {
    let lo = 255;
    let hi = 0;
    for (const im of images) {
      const v = im.pixels[i] as number;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    const d = hi - lo;
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
  return { image: { width, height, pixels }, gain, meanAbs: n > 0 ? sum / n : 0, maxAbs: max, changedShare: n > 0 ? changed / n : 0 };
}
