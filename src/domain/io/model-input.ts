/**
 * @file From a displayed import to the square grey image the model reads (imageSize × imageSize).
 *
 * - `crop` (default): the centred square (or the user's square), as the studio's PNG path does.
 * - `pad`: the whole image on a black square, as the MedCoDi-M authors prepare CXRs (zero padding after the
 *   MONOCHROME1 inversion, so the padding is dark background), then resized.
 * Shrinking averages the covered area, enlarging is bilinear (grey-image.ts's centreCropResize).
 */
import type { GreyImage } from '../../contracts/job';
import { centreCropResize } from '../grey-image';

export type FitMode = 'crop' | 'pad';

/** A source rectangle in image pixels. */
export interface CropRect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface ModelInputOptions {
  readonly fit?: FitMode;
  /** Region of interest chosen in the preview; clamped to the image. */
  readonly crop?: CropRect;
}

/** The clamped, integer crop rectangle (the whole image when none is given or it misses the image). */
export function clampCrop(width: number, height: number, crop: CropRect | undefined): CropRect {
  if (!crop) return { x: 0, y: 0, width, height };
  const x = Math.max(0, Math.min(width - 1, Math.floor(crop.x)));
  const y = Math.max(0, Math.min(height - 1, Math.floor(crop.y)));
  const w = Math.max(1, Math.min(width - x, Math.round(crop.width)));
  const h = Math.max(1, Math.min(height - y, Math.round(crop.height)));
  return { x, y, width: w, height: h };
}

export function cropGrey(image: GreyImage, rect: CropRect): GreyImage {
  const { x, y, width, height } = clampCrop(image.width, image.height, rect);
  if (x === 0 && y === 0 && width === image.width && height === image.height) return image;
  const pixels = new Uint8ClampedArray(width * height);
  for (let row = 0; row < height; row += 1) {
    const start = (y + row) * image.width + x;
    pixels.set(image.pixels.subarray(start, start + width), row * width);
  }
  return { width, height, pixels };
}

/** Centres the image on a black square as large as its longer side. */
export function padToSquare(image: GreyImage): GreyImage {
  const side = Math.max(image.width, image.height);
  if (image.width === side && image.height === side) return image;
  const pixels = new Uint8ClampedArray(side * side);
  const left = Math.floor((side - image.width) / 2);
  const top = Math.floor((side - image.height) / 2);
  for (let row = 0; row < image.height; row += 1) {
    pixels.set(image.pixels.subarray(row * image.width, (row + 1) * image.width), (top + row) * side + left);
  }
  return { width: side, height: side, pixels };
}

/** The displayed import as the model's square input. */
export function toModelInput(image: GreyImage, size: number, options: ModelInputOptions = {}): GreyImage {
  const region = options.crop ? cropGrey(image, options.crop) : image;
  const square = options.fit === 'pad' ? padToSquare(region) : region;
  return centreCropResize(square, size);
}
