/**
 * @file Export of results as files (browser glue; the pure parts are png-text, synthetic-watermark and
 * result-record, all unit-tested). Exported images always carry the burned-in SYNTHETIC band and tEXt provenance.
 */
import type { GreyImage } from '../contracts/job';
import type { ImageModality } from '../contracts/modality';
import { compareFileName, compareProvenance, recordsWithView, sideBySide } from './compare-export';
import { greyToRgba } from './grey-image';
import { addPngTextChunks } from './png-text';
import { exportFileName, provenance, reportExportText, type ResultRecord } from './result-record';
import { burnSyntheticWatermark } from './synthetic-watermark';

/** A grey image (already marked) as a PNG with tEXt chunks. */
async function encodeGreyPng(image: GreyImage, text: Readonly<Record<string, string>>): Promise<Blob> {
  const canvas = new OffscreenCanvas(image.width, image.height);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('This browser cannot create a 2D canvas to encode PNG files.');
  ctx.putImageData(new ImageData(greyToRgba(image.pixels), image.width, image.height), 0, 0);
  const png = new Uint8Array(await (await canvas.convertToBlob({ type: 'image/png' })).arrayBuffer());
  return new Blob([addPngTextChunks(png, text)], { type: 'image/png' });
}

/** The output image as a watermarked PNG with provenance chunks. */
export async function encodeSyntheticPng(record: ResultRecord, modality: ImageModality): Promise<Blob> {
  const image = record.outputs[modality];
  if (!image) throw new Error(`This result has no ${modality} image.`);
  return encodeGreyPng(burnSyntheticWatermark(image), provenance(record, modality));
}

/** One view of the compared results side by side, every panel watermarked (compare-export.ts). */
export async function downloadComparison(records: readonly ResultRecord[], modality: ImageModality, now = new Date()): Promise<void> {
  const shown = recordsWithView(records, modality);
  if (shown.length === 0) throw new Error(`None of these results has a ${modality} image.`);
  const image = sideBySide(shown.map((r) => r.outputs[modality] as GreyImage));
  downloadBlob(await encodeGreyPng(image, compareProvenance(shown, modality, now)), compareFileName(shown, modality, now));
}

export function reportBlob(record: ResultRecord): Blob {
  return new Blob([reportExportText(record)], { type: 'text/plain;charset=utf-8' });
}

/** Saves a blob through a temporary download link. */
export function downloadBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  // Revoke after the click has been handled; revoking synchronously can cancel the download in some browsers.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export async function downloadOutput(record: ResultRecord, modality: ImageModality | 'report'): Promise<void> {
  const blob = modality === 'report' ? reportBlob(record) : await encodeSyntheticPng(record, modality);
  downloadBlob(blob, exportFileName(record, modality));
}
