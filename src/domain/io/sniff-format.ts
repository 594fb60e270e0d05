/**
 * @file Which importer a file goes to, from its first bytes (never from its name alone: a renamed file still
 * opens, and a ".dcm" that is really a ZIP gets a message saying so).
 */
import { looksLikeRawDataset, isDicomPart10 } from './decode-dicom';
import { isTiff } from './decode-tiff';
import { isPng } from './png-decode';

export type ImportFormat = 'png' | 'jpeg' | 'tiff' | 'dicom';

/** Formats recognised only to name them in the error message. */
const OTHER_FORMATS: readonly { readonly name: string; readonly magic: readonly number[]; readonly at?: number }[] = [
  { name: 'a GIF image', magic: [0x47, 0x49, 0x46, 0x38] },
  { name: 'a BMP image', magic: [0x42, 0x4d] },
  { name: 'a WebP image', magic: [0x57, 0x45, 0x42, 0x50], at: 8 },
  { name: 'a PDF document', magic: [0x25, 0x50, 0x44, 0x46] },
  { name: 'a ZIP archive', magic: [0x50, 0x4b, 0x03, 0x04] },
  { name: 'a gzip archive', magic: [0x1f, 0x8b] },
  { name: 'a JPEG 2000 image', magic: [0x00, 0x00, 0x00, 0x0c, 0x6a, 0x50] },
  { name: 'a HEIF/AVIF image', magic: [0x66, 0x74, 0x79, 0x70], at: 4 },
];

export function sniffFormat(bytes: Uint8Array): ImportFormat | null {
  if (isPng(bytes)) return 'png';
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (isTiff(bytes) || (bytes[0] === 0x49 && bytes[1] === 0x49 && bytes[2] === 0x2b && bytes[3] === 0)) return 'tiff';
  if (isDicomPart10(bytes) || looksLikeRawDataset(bytes)) return 'dicom';
  return null;
}

/** "a GIF image", "text", … for the "not an image we read" message; null when nothing is recognised. */
export function nameOtherFormat(bytes: Uint8Array): string | null {
  for (const f of OTHER_FORMATS) {
    const at = f.at ?? 0;
    if (f.magic.every((b, i) => bytes[at + i] === b)) return f.name;
  }
  const head = bytes.subarray(0, 512);
  if (head.length > 0 && head.every((b) => b === 0x09 || b === 0x0a || b === 0x0d || (b >= 0x20 && b < 0x7f) || b >= 0x80)) return 'a text file';
  return null;
}
