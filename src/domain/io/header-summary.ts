/**
 * @file What the import panel shows about a file: the header facts that decide how an X-ray is displayed and
 * which view it is. Patient identifiers are deliberately not part of it (only whether the file carries any).
 */
import type { ImageModality } from '../../contracts/modality';

export interface HeaderSummary {
  /** e.g. "DICOM", "PNG 16-bit grey", "TIFF 16-bit BlackIsZero". */
  readonly format: string;
  readonly width: number;
  readonly height: number;
  readonly modality?: string;
  readonly viewPosition?: string;
  readonly bodyPart?: string;
  readonly photometric?: string;
  readonly bitsAllocated?: number;
  readonly bitsStored?: number;
  readonly highBit?: number;
  readonly signed?: boolean;
  readonly rescale?: { readonly slope: number; readonly intercept: number; readonly type?: string };
  readonly modalityLut?: string;
  /** Row and column spacing in mm and the tag it came from (CR/DX often only have ImagerPixelSpacing). */
  readonly pixelSpacing?: { readonly row: number; readonly column: number; readonly source: 'PixelSpacing' | 'ImagerPixelSpacing' };
  /** The window the file asks for, in words (see describeVoi). */
  readonly window?: string;
  readonly transferSyntax?: string;
  readonly sopClass?: string;
  readonly frames?: number;
  /** True when the file carries patient name, id or birth date (never shown, never stored, never exported). */
  readonly hasPatientIdentity?: boolean;
  /** ImageType / ConversionType / provenance say it was generated (e.g. a MedCoDi Studio export). */
  readonly syntheticMarked?: boolean;
}

/** ViewPosition (0018,5101) → which input slot it belongs in; null when absent or not a chest view we know. */
export function modalityFromViewPosition(viewPosition: string | undefined): ImageModality | null {
  const v = (viewPosition ?? '').trim().toUpperCase();
  if (v === 'PA' || v === 'AP' || v === 'AP SUPINE' || v === 'PA ERECT') return 'frontal';
  if (v === 'LATERAL' || v === 'LL' || v === 'RL' || v === 'LAT' || v === 'RLD' || v === 'LLD') return 'lateral';
  return null;
}

function spacingText(s: NonNullable<HeaderSummary['pixelSpacing']>): string {
  return `${s.row} × ${s.column} mm (${s.source})`;
}

/** Label/value rows for the header panel, in reading order; absent facts are left out. */
export function headerRows(summary: HeaderSummary): { readonly label: string; readonly value: string }[] {
  const rows: { label: string; value: string }[] = [{ label: 'Format', value: summary.format }];
  const add = (label: string, value: string | number | undefined) => {
    if (value !== undefined && value !== '') rows.push({ label, value: String(value) });
  };
  add('Modality', summary.modality);
  add('View position', summary.viewPosition);
  add('Body part', summary.bodyPart);
  add('Size', `${summary.width} × ${summary.height} px${summary.frames && summary.frames > 1 ? `, ${summary.frames} frames (first used)` : ''}`);
  add('Photometric', summary.photometric);
  if (summary.bitsAllocated !== undefined) {
    add('Bits', `${summary.bitsStored ?? summary.bitsAllocated} stored of ${summary.bitsAllocated}, high bit ${summary.highBit ?? '?'}, ${summary.signed ? 'signed' : 'unsigned'}`);
  }
  if (summary.rescale) add('Rescale', `slope ${summary.rescale.slope}, intercept ${summary.rescale.intercept}${summary.rescale.type ? ` (${summary.rescale.type})` : ''}`);
  add('Modality LUT', summary.modalityLut);
  if (summary.pixelSpacing) add('Pixel spacing', spacingText(summary.pixelSpacing));
  add('Window', summary.window);
  add('Transfer syntax', summary.transferSyntax);
  add('SOP class', summary.sopClass);
  if (summary.hasPatientIdentity) add('Patient identity', 'present in the file — not shown, not stored, never exported');
  if (summary.syntheticMarked) add('Marked synthetic', 'yes');
  return rows;
}
