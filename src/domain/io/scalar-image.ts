/**
 * @file The high-bit-depth image every importer produces, and how the file says to display it.
 *
 * Importers keep the file's numbers (after the modality transform: DICOM rescale slope/intercept or Modality LUT)
 * as float32, so 12- and 16-bit X-rays keep their precision until the user has picked a window. Only
 * `renderDisplay` (windowing.ts) turns them into the 8-bit GreyImage the model reads.
 */

export interface ScalarImage {
  readonly width: number;
  readonly height: number;
  /** One value per pixel, row-major, in the file's modality units (e.g. 0…4095 for 12-bit data). */
  readonly values: Float32Array;
}

export type VoiFunction = 'LINEAR' | 'LINEAR_EXACT' | 'SIGMOID';

/** Where a window came from, so the header panel can say so. */
export type WindowSource = 'file' | 'full-range' | 'bit-depth' | 'user';

/** A VOI transform: a window (PS3.3 C.11.2.1.2) or a lookup table (VOI LUT Sequence, C.11.2.1.1). */
export type VoiTransform =
  | { readonly kind: 'window'; readonly center: number; readonly width: number; readonly fn: VoiFunction; readonly source: WindowSource }
  | {
      readonly kind: 'lut';
      /** First input value mapped (LUT Descriptor value 2). */
      readonly firstMapped: number;
      /** Bits per output entry (LUT Descriptor value 3); entries run 0…2^bits−1. */
      readonly outputBits: number;
      readonly data: Uint16Array;
      readonly explanation: string;
      readonly source: 'file';
    };

export interface DisplayPipeline {
  readonly voi: VoiTransform;
  /** MONOCHROME1 (and TIFF WhiteIsZero): higher values are darker, so the display is inverted. */
  readonly invert: boolean;
}

export function scalarFromArray(width: number, height: number, data: ArrayLike<number>): ScalarImage {
  const values = new Float32Array(width * height);
  for (let i = 0; i < values.length; i += 1) values[i] = data[i] ?? 0;
  return { width, height, values };
}

/** Smallest and largest value (NaN-free input assumed; an empty image gives 0…0). */
export function valueRange(values: Float32Array): { readonly min: number; readonly max: number } {
  if (values.length === 0) return { min: 0, max: 0 };
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { min, max };
}
