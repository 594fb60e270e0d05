/**
 * @file VOI windowing of ScalarImage values to 8-bit display grey (DICOM PS3.3 C.11.2).
 *
 * - LINEAR (C.11.2.1.2.1): the "c − 0.5, w − 1" formula; WindowWidth must be ≥ 1.
 * - LINEAR_EXACT (C.11.2.1.3.2): plain c ± w/2 ramp; WindowWidth must be > 0.
 * - SIGMOID (C.11.2.1.3.1): 1 / (1 + exp(−4 (x − c) / w)).
 * - VOI LUT: inputs below the first mapped value take the first entry, above the last take the last entry.
 * - Without any window in the file: the full range of the values present (min→black, max→white).
 * MONOCHROME1 inverts the result (higher values darker).
 */
import type { GreyImage } from '../../contracts/job';
import type { DisplayPipeline, ScalarImage, VoiFunction, VoiTransform } from './scalar-image';
import { valueRange } from './scalar-image';

/** PS3.3 C.11.2.1.2.1 LINEAR: value x → [0, 1]. */
export function linearWindow(x: number, center: number, width: number): number {
  const c = center - 0.5;
  const w = width - 1;
  if (x <= c - w / 2) return 0;
  if (x > c + w / 2) return 1;
  return (x - c) / w + 0.5;
}

/** PS3.3 C.11.2.1.3.2 LINEAR_EXACT: value x → [0, 1]. */
export function linearExactWindow(x: number, center: number, width: number): number {
  if (x <= center - width / 2) return 0;
  if (x > center + width / 2) return 1;
  return (x - center) / width + 0.5;
}

/** PS3.3 C.11.2.1.3.1 SIGMOID: value x → (0, 1). */
export function sigmoidWindow(x: number, center: number, width: number): number {
  return 1 / (1 + Math.exp((-4 * (x - center)) / width));
}

/** VOI LUT lookup (C.11.2.1.1): value x → [0, 1] by the table's output bit depth. */
export function lutWindow(x: number, firstMapped: number, outputBits: number, data: Uint16Array): number {
  const last = data.length - 1;
  const index = Math.min(last, Math.max(0, Math.floor(x) - firstMapped));
  return (data[index] ?? 0) / (2 ** outputBits - 1);
}

/** The LINEAR window that maps the smallest value present to black and the largest to white. */
export function fullRangeWindow(image: ScalarImage): VoiTransform {
  const { min, max } = valueRange(image.values);
  return { kind: 'window', center: (min + max + 1) / 2, width: max - min + 1, fn: 'LINEAR', source: 'full-range' };
}

/** The LINEAR window over the whole range a bit depth can hold (8-bit files: the identity). */
export function bitDepthWindow(bits: number, signed = false): VoiTransform {
  const min = signed ? -(2 ** (bits - 1)) : 0;
  const max = signed ? 2 ** (bits - 1) - 1 : 2 ** bits - 1;
  return { kind: 'window', center: (min + max + 1) / 2, width: max - min + 1, fn: 'LINEAR', source: 'bit-depth' };
}

/** One value → [0, 1] through a VOI transform. */
export function voiValue(x: number, voi: VoiTransform): number {
  if (voi.kind === 'lut') return lutWindow(x, voi.firstMapped, voi.outputBits, voi.data);
  switch (voi.fn) {
    case 'LINEAR_EXACT':
      return linearExactWindow(x, voi.center, voi.width);
    case 'SIGMOID':
      return sigmoidWindow(x, voi.center, voi.width);
    default:
      return linearWindow(x, voi.center, voi.width);
  }
}

/** A window is usable when its width fits its function (LINEAR ≥ 1, others > 0) and both numbers are finite. */
export function isUsableWindow(center: number, width: number, fn: VoiFunction = 'LINEAR'): boolean {
  if (!Number.isFinite(center) || !Number.isFinite(width)) return false;
  return fn === 'LINEAR' ? width >= 1 : width > 0;
}

/** The ScalarImage through the display pipeline, as the 8-bit grey image the viewer and the model read. */
export function renderDisplay(image: ScalarImage, display: DisplayPipeline): GreyImage {
  const pixels = new Uint8ClampedArray(image.width * image.height);
  const { voi, invert } = display;
  for (let i = 0; i < pixels.length; i += 1) {
    const v = voiValue(image.values[i] ?? 0, voi);
    pixels[i] = Math.round((invert ? 1 - v : v) * 255);
  }
  return { width: image.width, height: image.height, pixels };
}

/** Short words for the header panel: "C 2048 W 4096 (LINEAR, from the file)". */
export function describeVoi(voi: VoiTransform): string {
  if (voi.kind === 'lut') return `VOI LUT (${voi.data.length} entries from ${voi.firstMapped}, ${voi.outputBits}-bit)${voi.explanation ? ` “${voi.explanation}”` : ''}`;
  const where = { file: 'from the file', 'full-range': 'full range of the pixels', 'bit-depth': 'full range of the bit depth', user: 'set by you' }[voi.source];
  return `C ${formatNumber(voi.center)} W ${formatNumber(voi.width)} (${voi.fn}, ${where})`;
}

function formatNumber(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(2);
}
