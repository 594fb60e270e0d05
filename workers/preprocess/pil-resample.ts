/**
 * @file Pillow-compatible antialiased resampling of 8-bit single-channel ("L") images: a transcription of
 * `ImagingResample` (libImaging/Resample.c) — separable filter whose support is scaled by the downscale factor,
 * coefficients normalised in float64 then quantised to 22-bit fixed point, horizontal pass first (only over the
 * rows the vertical pass needs), rounding and clipping to uint8 after each pass. Each pass runs only if that axis
 * changes size, as in Pillow.
 */

const PRECISION_BITS = 32 - 8 - 2;
const FIXED_ONE = 1 << PRECISION_BITS;
const HALF = 1 << (PRECISION_BITS - 1);

export type ResampleFilter = 'bicubic' | 'bilinear';

interface Filter {
  readonly support: number;
  weight(x: number): number;
}

const BICUBIC: Filter = {
  support: 2,
  weight(x0: number): number {
    const a = -0.5;
    const x = Math.abs(x0);
    if (x < 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
    if (x < 2) return (((x - 5) * x + 8) * x - 4) * a;
    return 0;
  },
};

const BILINEAR: Filter = {
  support: 1,
  weight(x0: number): number {
    const x = Math.abs(x0);
    return x < 1 ? 1 - x : 0;
  },
};

interface Coefficients {
  readonly ksize: number;
  /** per output index: first input index and tap count */
  readonly bounds: Int32Array;
  /** fixed-point taps, ksize per output index */
  readonly taps: Int32Array;
}

/** `precompute_coeffs` + `normalize_coeffs_8bpc` for the box [0, inSize). */
function precomputeCoefficients(inSize: number, outSize: number, filter: Filter): Coefficients {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = filter.support * filterScale;
  const ksize = Math.ceil(support) * 2 + 1;
  const bounds = new Int32Array(outSize * 2);
  const taps = new Int32Array(outSize * ksize);
  const weights = new Float64Array(ksize);
  const inverse = 1 / filterScale;
  for (let xx = 0; xx < outSize; xx++) {
    const center = (xx + 0.5) * scale;
    // C casts `(int)(v + 0.5)`, i.e. truncation toward zero.
    const xmin = Math.max(Math.trunc(center - support + 0.5), 0);
    const xmax = Math.min(Math.trunc(center + support + 0.5), inSize) - xmin;
    let sum = 0;
    for (let x = 0; x < xmax; x++) {
      const w = filter.weight((x + xmin - center + 0.5) * inverse);
      weights[x] = w;
      sum += w;
    }
    for (let x = 0; x < xmax; x++) {
      const w = sum !== 0 ? (weights[x] as number) / sum : (weights[x] as number);
      taps[xx * ksize + x] = w < 0 ? Math.trunc(-0.5 + w * FIXED_ONE) : Math.trunc(0.5 + w * FIXED_ONE);
    }
    bounds[xx * 2] = xmin;
    bounds[xx * 2 + 1] = xmax;
  }
  return { ksize, bounds, taps };
}

/** Pillow's clip8: shift out the fixed-point fraction, clamp to 0..255. */
function clip8(acc: number): number {
  const v = acc >> PRECISION_BITS;
  return v < 0 ? 0 : v > 255 ? 255 : v;
}

/**
 * Resizes a row-major uint8 grey image like `PIL.Image.resize((outWidth, outHeight), resample)` on mode "L".
 * Same size returns a copy.
 */
export function resizeGreyPil(
  pixels: ArrayLike<number>,
  width: number,
  height: number,
  outWidth: number,
  outHeight: number,
  filterName: ResampleFilter = 'bicubic',
): Uint8ClampedArray {
  if (pixels.length !== width * height) throw new Error(`Image has ${pixels.length} pixels, expected ${width}x${height}`);
  if (!(outWidth >= 1 && outHeight >= 1 && Number.isInteger(outWidth) && Number.isInteger(outHeight))) {
    throw new Error(`Bad output size ${outWidth}x${outHeight}`);
  }
  const filter = filterName === 'bicubic' ? BICUBIC : BILINEAR;
  const horizontal = precomputeCoefficients(width, outWidth, filter);
  const vertical = precomputeCoefficients(height, outHeight, filter);

  let src: ArrayLike<number> = pixels;
  let srcWidth = width;
  const vBounds = Int32Array.from(vertical.bounds);

  if (outWidth !== width) {
    // Only the rows the vertical pass reads (all rows if there is no vertical pass).
    const firstRow = outHeight !== height ? (vBounds[0] as number) : 0;
    const lastRow = outHeight !== height ? (vBounds[outHeight * 2 - 2] as number) + (vBounds[outHeight * 2 - 1] as number) : height;
    if (outHeight !== height) for (let i = 0; i < outHeight; i++) vBounds[i * 2] = (vBounds[i * 2] as number) - firstRow;
    const rows = lastRow - firstRow;
    const temp = new Uint8ClampedArray(outWidth * rows);
    const { ksize, bounds, taps } = horizontal;
    for (let y = 0; y < rows; y++) {
      const rowOffset = (y + firstRow) * width;
      for (let xx = 0; xx < outWidth; xx++) {
        const xmin = bounds[xx * 2] as number;
        const count = bounds[xx * 2 + 1] as number;
        let acc = HALF;
        for (let x = 0; x < count; x++) acc += (pixels[rowOffset + xmin + x] as number) * (taps[xx * ksize + x] as number);
        temp[y * outWidth + xx] = clip8(acc);
      }
    }
    src = temp;
    srcWidth = outWidth;
  }

  if (outHeight !== height) {
    const out = new Uint8ClampedArray(srcWidth * outHeight);
    const { ksize, taps } = vertical;
    for (let yy = 0; yy < outHeight; yy++) {
      const ymin = vBounds[yy * 2] as number;
      const count = vBounds[yy * 2 + 1] as number;
      for (let xx = 0; xx < srcWidth; xx++) {
        let acc = HALF;
        for (let y = 0; y < count; y++) acc += (src[(ymin + y) * srcWidth + xx] as number) * (taps[yy * ksize + y] as number);
        out[yy * srcWidth + xx] = clip8(acc);
      }
    }
    return out;
  }
  return Uint8ClampedArray.from(src);
}
