/**
 * @file Conversions between model image tensors and 8-bit grey images (spec §4.1, §2.1).
 */
import type { GreyImage } from '../../src/contracts/job';

/**
 * VAE decoder output [B,3,H,W] (≈[-1,1]) → grey image of sample `batchIndex`:
 * channel 0, v = clamp((x+1)/2, 0, 1), round(255·v).
 */
export function latentImageToGrey(image: Float32Array, width: number, height: number, batchIndex = 0): GreyImage {
  const plane = width * height;
  const offset = batchIndex * 3 * plane;
  if (image.length < offset + 3 * plane) {
    throw new Error(`Image tensor has ${image.length} values, too few for sample ${batchIndex} of [B,3,${height},${width}]`);
  }
  const pixels = new Uint8ClampedArray(plane);
  for (let i = 0; i < plane; i++) {
    const x = image[offset + i] as number;
    const v = Math.min(Math.max((x + 1) / 2, 0), 1);
    pixels[i] = Math.round(255 * (Number.isNaN(v) ? 0 : v));
  }
  return { width, height, pixels };
}

/** Grey pixels → float [0,1] (H·W values), e.g. the classifier input [1,1,S,S]. */
export function greyToFloat01(img: GreyImage): Float32Array {
  const out = new Float32Array(img.pixels.length);
  for (let i = 0; i < out.length; i++) out[i] = (img.pixels[i] as number) / 255;
  return out;
}

/** Grey pixels → VAE encoder input [1,3,H,W] in [-1,1] (x·2 − 1, tiled to 3 channels). */
export function greyToVaeInput(img: GreyImage): Float32Array {
  const plane = img.width * img.height;
  if (img.pixels.length !== plane) throw new Error(`Image has ${img.pixels.length} pixels, expected ${img.width}x${img.height}`);
  const out = new Float32Array(3 * plane);
  for (let i = 0; i < plane; i++) {
    const v = ((img.pixels[i] as number) / 255) * 2 - 1;
    out[i] = v;
    out[plane + i] = v;
    out[2 * plane + i] = v;
  }
  return out;
}
