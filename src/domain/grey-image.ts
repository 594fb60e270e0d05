/**
 * @file Pure pixel helpers for GreyImage (8-bit, one channel, row-major): sniffing the file type from magic bytes,
 * RGBA → grey, and a centre crop + area resize to the square size the model reads. No DOM here, so vitest covers it.
 */
import type { GreyImage } from '../contracts/job';

export type ImageKind = 'png' | 'jpeg';

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG_MAGIC = [0xff, 0xd8, 0xff];

/** The image kind the first bytes announce, or null when they are neither PNG nor JPEG. */
export function sniffImageKind(head: Uint8Array): ImageKind | null {
  const startsWith = (magic: readonly number[]) => magic.every((byte, i) => head[i] === byte);
  if (startsWith(PNG_MAGIC)) return 'png';
  if (startsWith(JPEG_MAGIC)) return 'jpeg';
  return null;
}

/** ITU-R BT.601 luma of straight (non-premultiplied) RGBA; transparent pixels count as black. */
export function rgbaToGrey(rgba: Uint8ClampedArray, width: number, height: number): GreyImage {
  if (rgba.length !== width * height * 4) {
    throw new Error(`RGBA buffer has ${rgba.length} bytes, expected ${width * height * 4} for ${width}×${height}`);
  }
  const pixels = new Uint8ClampedArray(width * height);
  for (let i = 0, j = 0; i < pixels.length; i += 1, j += 4) {
    const alpha = (rgba[j + 3] ?? 255) / 255;
    const luma = 0.299 * (rgba[j] ?? 0) + 0.587 * (rgba[j + 1] ?? 0) + 0.114 * (rgba[j + 2] ?? 0);
    pixels[i] = Math.round(luma * alpha);
  }
  return { width, height, pixels };
}

/** The largest centred square inside a width×height image, as a source rectangle. */
export function centreSquare(width: number, height: number): { x: number; y: number; size: number } {
  const size = Math.min(width, height);
  return { x: Math.floor((width - size) / 2), y: Math.floor((height - size) / 2), size };
}

/**
 * Crops the centred square and resamples it to size×size. Shrinking averages the covered source area (box filter,
 * so thin lines do not alias away); enlarging interpolates bilinearly.
 */
export function centreCropResize(image: GreyImage, size: number): GreyImage {
  if (!Number.isInteger(size) || size < 1) throw new Error(`target size must be a positive integer, got ${size}`);
  if (image.width < 1 || image.height < 1) throw new Error('the image has no pixels');
  const crop = centreSquare(image.width, image.height);
  const out = new Uint8ClampedArray(size * size);
  const scale = crop.size / size;
  const at = (x: number, y: number) => image.pixels[(crop.y + y) * image.width + crop.x + x] ?? 0;

  if (scale >= 1) {
    for (let oy = 0; oy < size; oy += 1) {
      const y0 = oy * scale;
      const y1 = y0 + scale;
      for (let ox = 0; ox < size; ox += 1) {
        const x0 = ox * scale;
        const x1 = x0 + scale;
        let sum = 0;
        let area = 0;
        for (let sy = Math.floor(y0); sy < Math.min(Math.ceil(y1), crop.size); sy += 1) {
          const wy = Math.min(y1, sy + 1) - Math.max(y0, sy);
          for (let sx = Math.floor(x0); sx < Math.min(Math.ceil(x1), crop.size); sx += 1) {
            const w = wy * (Math.min(x1, sx + 1) - Math.max(x0, sx));
            sum += at(sx, sy) * w;
            area += w;
          }
        }
        out[oy * size + ox] = Math.round(sum / area);
      }
    }
  } else {
    const last = crop.size - 1;
    for (let oy = 0; oy < size; oy += 1) {
      const fy = Math.min(Math.max((oy + 0.5) * scale - 0.5, 0), last);
      const y0 = Math.floor(fy);
      const y1 = Math.min(y0 + 1, last);
      const ty = fy - y0;
      for (let ox = 0; ox < size; ox += 1) {
        const fx = Math.min(Math.max((ox + 0.5) * scale - 0.5, 0), last);
        const x0 = Math.floor(fx);
        const x1 = Math.min(x0 + 1, last);
        const tx = fx - x0;
        const top = at(x0, y0) * (1 - tx) + at(x1, y0) * tx;
        const bottom = at(x0, y1) * (1 - tx) + at(x1, y1) * tx;
        out[oy * size + ox] = Math.round(top * (1 - ty) + bottom * ty);
      }
    }
  }
  return { width: size, height: size, pixels: out };
}

/** A GreyImage as opaque RGBA, for putImageData. */
export function greyToRgba(pixels: ArrayLike<number>): Uint8ClampedArray<ArrayBuffer> {
  const rgba = new Uint8ClampedArray(pixels.length * 4);
  for (let i = 0, j = 0; i < pixels.length; i += 1, j += 4) {
    const v = pixels[i] ?? 0;
    rgba[j] = v;
    rgba[j + 1] = v;
    rgba[j + 2] = v;
    rgba[j + 3] = 255;
  }
  return rgba;
}
