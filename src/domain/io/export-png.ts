/**
 * @file A result image as a PNG that says it is synthetic three ways: the burned-in SYNTHETIC band in the pixels,
 * the file name (`synthetic_<direction>_<seed>_<time>.png`), and text chunks (the record's provenance lines, a
 * `Synthetic: yes` flag, the derivation line and a JSON copy in iTXt). Pure, so the CLI writes the same bytes.
 */
import type { GreyImage } from '../../contracts/job';
import type { ImageModality } from '../../contracts/modality';
import { exportFileName, provenance, type ResultRecord } from '../result-record';
import { burnSyntheticWatermark } from '../synthetic-watermark';
import { encodeGreyPng, type PngTextEntry } from './png-encode';
import { asciiOnly, derivationText, promptHash, type ExportOptions } from './synthetic-provenance';

export const PROVENANCE_KEYWORD = 'MedCoDi-Provenance';

/** The JSON written into the PNG's iTXt chunk (and reused by the case bundle). */
export function provenanceJson(record: ResultRecord, output: ImageModality | 'report', options: ExportOptions = {}): Record<string, unknown> {
  return {
    synthetic: true,
    generator: 'MedCoDi-M',
    modelId: record.modelId,
    modelVersion: record.modelVersion,
    variant: record.variant,
    backend: record.backend,
    direction: record.directionId,
    output,
    settings: record.settings,
    ...(record.consensus ? { reportConsensus: record.consensus } : {}),
    createdAt: record.createdAt,
    jobId: record.id,
    ...(options.prompt !== undefined ? { prompt: options.prompt } : promptHash(record) ? { promptSha256: promptHash(record) } : {}),
  };
}

export function pngProvenanceEntries(record: ResultRecord, output: ImageModality, options: ExportOptions = {}): PngTextEntry[] {
  const lines = Object.entries(provenance(record, output)).map(([keyword, text]) => ({ keyword, text: asciiOnly(text) }));
  return [
    ...lines,
    { keyword: 'Synthetic', text: 'yes' },
    { keyword: 'Comment', text: derivationText(record, output, options) },
    { keyword: PROVENANCE_KEYWORD, text: JSON.stringify(provenanceJson(record, output, options)), international: true },
  ];
}

/** The image with its SYNTHETIC band burned in. */
export function markedImage(image: GreyImage): GreyImage {
  return burnSyntheticWatermark(image);
}

/** The output as a marked PNG file: name and bytes. */
export function syntheticPng(record: ResultRecord, output: ImageModality, options: ExportOptions = {}): { readonly fileName: string; readonly bytes: Uint8Array<ArrayBuffer> } {
  const image = record.outputs[output];
  if (!image) throw new Error(`This result has no ${output} image.`);
  const marked = markedImage(image);
  const bytes = encodeGreyPng({ width: marked.width, height: marked.height, samples: marked.pixels, bitDepth: 8 }, pngProvenanceEntries(record, output, options));
  return { fileName: exportFileName(record, output), bytes };
}
