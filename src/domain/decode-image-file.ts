/**
 * @file File → GreyImage on the UI thread (createImageBitmap + OffscreenCanvas). The pure steps it relies on
 * (magic bytes, RGBA → grey, centre crop + resize) live in grey-image.ts and are unit-tested there; this file is the
 * browser glue and is covered by e2e.
 */
import type { GreyImage } from '../contracts/job';
import { centreCropResize, centreSquare, rgbaToGrey, sniffImageKind } from './grey-image';

/** Refuse absurd images before allocating their pixels (100 megapixels ≈ 400 MB of RGBA). */
const MAX_SOURCE_PIXELS = 100_000_000;
/** Intermediate canvas size factor: the browser scales down to 4× the target, the box filter does the rest. */
const OVERSAMPLE = 4;

export class ImageFileError extends Error {
  override readonly name = 'ImageFileError';
}

function notReadable(name: string, why: string): ImageFileError {
  return new ImageFileError(`"${name}" is not a readable PNG or JPEG image: ${why}.`);
}

/**
 * Decodes a PNG or JPEG to a size×size grey image (centre square, area-averaged). Throws ImageFileError with a
 * sentence for the user when the file is another type, corrupt or cut short.
 */
export async function decodeImageFile(file: Blob, size: number, name = (file as File).name || 'image'): Promise<GreyImage> {
  if (file.size === 0) throw notReadable(name, 'the file is empty');
  const head = new Uint8Array(await file.slice(0, 16).arrayBuffer());
  if (!sniffImageKind(head)) {
    const type = file.type ? ` (${file.type})` : '';
    throw notReadable(name, `its contents are not PNG or JPEG${type}`);
  }
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    throw notReadable(name, 'the file seems corrupt or cut short');
  }
  try {
    if (bitmap.width * bitmap.height > MAX_SOURCE_PIXELS) {
      throw notReadable(name, `it is ${bitmap.width}×${bitmap.height} pixels, more than this studio handles`);
    }
    const crop = centreSquare(bitmap.width, bitmap.height);
    const side = Math.min(crop.size, size * OVERSAMPLE);
    const canvas = new OffscreenCanvas(side, side);
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) throw new Error('This browser cannot create a 2D canvas to read images.');
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(bitmap, crop.x, crop.y, crop.size, crop.size, 0, 0, side, side);
    const grey = rgbaToGrey(ctx.getImageData(0, 0, side, side).data, side, side);
    return centreCropResize(grey, size);
  } finally {
    bitmap.close();
  }
}
