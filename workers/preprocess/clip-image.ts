/**
 * @file CLIP vision preprocessing (spec §2.2, transformers 4.24 `CLIPFeatureExtractor` semantics), generalised to
 * the manifest's `clipImage` block:
 *   float input → clamp to [0,1] (deliberate deviation: the reference wraps out-of-range values in the uint8 cast)
 *   → floor(x·255) to uint8 → Pillow bicubic resize of the shortest side to `size` (long side int(size·long/short))
 *   → centre crop `size` → ·(1/255) → (v − mean)/std per channel → [1,3,size,size], grey tiled to 3 channels.
 * Float32 arithmetic follows numpy's (float32 image, float32 mean/std), so values match the reference bit-for-bit
 * whenever the resized uint8 pixels do.
 */
import type { GreyImage } from '../../src/contracts/job';
import { resizeGreyPil } from './pil-resample';

export interface ClipImageConfig {
  readonly size: number;
  readonly mean: readonly [number, number, number] | readonly number[];
  readonly std: readonly [number, number, number] | readonly number[];
}

/** A single-channel float image with values nominally in [0,1] (e.g. a decoded TIFF), row-major. */
export interface FloatGreyImage {
  readonly width: number;
  readonly height: number;
  readonly data: Float32Array;
}

/** float [0,1] → uint8 as the reference's `(x*255).astype(uint8)`, after clamping to [0,1]. */
export function floatToGreyBytes(image: FloatGreyImage): GreyImage {
  const { width, height, data } = image;
  if (data.length !== width * height) throw new Error(`Float image has ${data.length} values, expected ${width}x${height}`);
  const pixels = new Uint8ClampedArray(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = data[i] as number;
    const clamped = Number.isNaN(v) ? 0 : Math.min(Math.max(v, 0), 1);
    pixels[i] = Math.floor(Math.fround(clamped * 255)); // float32 product, truncated
  }
  return { width, height, pixels };
}

/** Shortest side → `size` (transformers 4.24 `resize(..., default_to_square=False)`), Pillow bicubic. */
export function resizeShortestSide(image: GreyImage, size: number): GreyImage {
  const { width, height } = image;
  const short = Math.min(width, height);
  const long = Math.max(width, height);
  if (short === size) return image;
  const newLong = Math.trunc((size * long) / short);
  const [outWidth, outHeight] = width <= height ? [size, newLong] : [newLong, size];
  return { width: outWidth, height: outHeight, pixels: resizeGreyPil(image.pixels, width, height, outWidth, outHeight, 'bicubic') };
}

/** Centre crop as transformers 4.24 (`top = (h − size) // 2`, PIL crop). Crops larger than the image are rejected. */
export function centerCropGrey(image: GreyImage, size: number): GreyImage {
  const { width, height } = image;
  if (size > width || size > height) throw new Error(`Cannot centre-crop ${size} from ${width}x${height}`);
  if (size === width && size === height) return image;
  const top = Math.floor((height - size) / 2);
  const left = Math.floor((width - size) / 2);
  const pixels = new Uint8ClampedArray(size * size);
  for (let y = 0; y < size; y++) {
    pixels.set(image.pixels.subarray((top + y) * width + left, (top + y) * width + left + size), y * size);
  }
  return { width: size, height: size, pixels };
}

/** Resized and cropped uint8 pixels before normalisation (exposed for parity tests). */
export function clipImagePixels(input: GreyImage | FloatGreyImage, size: number): GreyImage {
  const grey = 'pixels' in input ? input : floatToGreyBytes(input);
  if (grey.pixels.length !== grey.width * grey.height) throw new Error(`Image has ${grey.pixels.length} pixels, expected ${grey.width}x${grey.height}`);
  return centerCropGrey(resizeShortestSide(grey, size), size);
}

/** The `pixel_values` tensor [1,3,size,size] for `clip_vision`. */
export function preprocessClipImage(input: GreyImage | FloatGreyImage, config: ClipImageConfig): Float32Array {
  const { size } = config;
  if (!Number.isInteger(size) || size < 1) throw new Error(`clipImage.size must be a positive integer, got ${size}`);
  if (config.mean.length !== 3 || config.std.length !== 3) throw new Error('clipImage.mean and .std need 3 values');
  const { pixels } = clipImagePixels(input, size);
  const f32 = Math.fround;
  const rescale = f32(1 / 255); // transformers multiplies by the float32 of 1/255
  const plane = size * size;
  const out = new Float32Array(3 * plane);
  for (let c = 0; c < 3; c++) {
    const mean = f32(config.mean[c] as number);
    const std = f32(config.std[c] as number);
    for (let i = 0; i < plane; i++) {
      out[c * plane + i] = f32(f32(f32((pixels[i] as number) * rescale) - mean) / std);
    }
  }
  return out;
}
