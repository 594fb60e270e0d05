/**
 * @file What the export menu does, as plain functions: each export kind → file name + Blob. Real inputs join a
 * bundle only when the user asks and only when they are exactly the inputs the result was made from (same sha256),
 * so a later, different prompt can never be attached to an old result by mistake.
 */
import type { GreyImage } from '../../contracts/job';
import type { ImageModality } from '../../contracts/modality';
import type { ResultRecord } from '../result-record';
import { buildCaseBundle, buildCaseZip, caseBundleFileName, type IncludedInputs } from './export-bundle';
import { syntheticDicom } from './export-dicom';
import { syntheticPng } from './export-png';
import { sha256Hex } from './hash';

export type ExportKind = 'case-zip' | 'case-json' | 'dicom-frontal' | 'dicom-lateral' | 'png-frontal' | 'png-lateral';

export interface ExportChoice {
  /** Attach the prompt text and input images (when they match the result's input hashes). */
  readonly includeInputs: boolean;
  readonly dicomBitDepth: 8 | 16;
  /** What the result screen shows about findings (`findingsForExport`), written to case.json. */
  readonly findings?: Readonly<Record<string, unknown>>;
}

/** The inputs on hand (the prompt editor's current report and images). */
export interface AvailableInputs {
  readonly report?: string;
  readonly frontal?: GreyImage;
  readonly lateral?: GreyImage;
}

/** The subset of `available` that is exactly what `record` was conditioned on. */
export async function matchingInputs(record: Pick<ResultRecord, 'inputs'>, available: AvailableInputs): Promise<IncludedInputs> {
  const out: { report?: string; frontal?: GreyImage; lateral?: GreyImage } = {};
  for (const input of record.inputs) {
    if (input.modality === 'report') {
      if (available.report !== undefined && (await sha256Hex(available.report)) === input.sha256) out.report = available.report;
    } else {
      const image = available[input.modality];
      if (image && (await sha256Hex(image.pixels)) === input.sha256) out[input.modality] = image;
    }
  }
  return out;
}

export function exportKinds(record: Pick<ResultRecord, 'outputs'>): ExportKind[] {
  const kinds: ExportKind[] = ['case-zip', 'case-json'];
  for (const m of ['frontal', 'lateral'] as const) if (record.outputs[m]) kinds.push(`dicom-${m}`, `png-${m}`);
  return kinds;
}

export const EXPORT_LABELS: Readonly<Record<ExportKind, string>> = {
  'case-zip': 'Case ZIP (PNG, DICOM, report, case.json)',
  'case-json': 'Case bundle (JSON)',
  'dicom-frontal': 'Frontal as DICOM',
  'dicom-lateral': 'Lateral as DICOM',
  'png-frontal': 'Frontal as PNG (with provenance)',
  'png-lateral': 'Lateral as PNG (with provenance)',
};

/** Builds one export. */
export async function buildExport(record: ResultRecord, kind: ExportKind, choice: ExportChoice, available: AvailableInputs = {}): Promise<{ fileName: string; blob: Blob }> {
  const include = choice.includeInputs ? await matchingInputs(record, available) : undefined;
  const prompt = include?.report !== undefined ? { prompt: include.report } : {};
  const findings = choice.findings && Object.keys(choice.findings).length > 0 ? { findings: choice.findings } : {};
  switch (kind) {
    case 'case-zip': {
      const zip = await buildCaseZip(record, { ...prompt, ...findings, ...(include ? { include } : {}), dicomBitDepth: choice.dicomBitDepth });
      return { fileName: zip.fileName, blob: new Blob([zip.bytes as Uint8Array<ArrayBuffer>], { type: 'application/zip' }) };
    }
    case 'case-json': {
      const bundle = await buildCaseBundle(record, { ...prompt, ...findings, ...(include ? { include } : {}), embedOutputs: true });
      return { fileName: caseBundleFileName(record, 'json'), blob: new Blob([`${JSON.stringify(bundle, null, 2)}\n`], { type: 'application/json' }) };
    }
    default: {
      const [format, modality] = kind.split('-') as ['dicom' | 'png', ImageModality];
      const file = format === 'dicom' ? syntheticDicom(record, modality, { ...prompt, bitDepth: choice.dicomBitDepth }) : syntheticPng(record, modality, prompt);
      return { fileName: file.fileName, blob: new Blob([file.bytes as Uint8Array<ArrayBuffer>], { type: format === 'dicom' ? 'application/dicom' : 'image/png' }) };
    }
  }
}
