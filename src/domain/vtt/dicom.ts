/**
 * @file A small DICOM Part 10 reader for greyscale radiographs, enough to bring a user's uncompressed CXR into a
 * reader study: explicit or implicit VR little endian, 8- or 16-bit, MONOCHROME1/2, rescale and the first VOI
 * window (PS3.3 C.11.2.1.2 linear function; min–max when the file has no window). Only pixels come out: no tag is
 * kept, so no identifier or provenance can reach a study. Compressed transfer syntaxes (JPEG, JPEG 2000, RLE,
 * deflate) and colour images are refused with a sentence saying so.
 */
import type { GreyImage } from '../../contracts/job';

export class DicomError extends Error {
  override readonly name = 'DicomError';
}

const EXPLICIT_LE = '1.2.840.10008.1.2.1';
const IMPLICIT_LE = '1.2.840.10008.1.2';
const MAX_PIXELS = 100_000_000;
const UNDEFINED_LENGTH = 0xffffffff;
/** VRs whose explicit-VR header has 2 reserved bytes and a 32-bit length. */
const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);

const tagKey = (group: number, element: number) => group * 0x10000 + element;
const TAG = {
  transferSyntax: tagKey(0x0002, 0x0010),
  samplesPerPixel: tagKey(0x0028, 0x0002),
  photometric: tagKey(0x0028, 0x0004),
  rows: tagKey(0x0028, 0x0010),
  columns: tagKey(0x0028, 0x0011),
  bitsAllocated: tagKey(0x0028, 0x0100),
  bitsStored: tagKey(0x0028, 0x0101),
  pixelRepresentation: tagKey(0x0028, 0x0103),
  windowCenter: tagKey(0x0028, 0x1050),
  windowWidth: tagKey(0x0028, 0x1051),
  rescaleIntercept: tagKey(0x0028, 0x1052),
  rescaleSlope: tagKey(0x0028, 0x1053),
  pixelData: tagKey(0x7fe0, 0x0010),
  item: tagKey(0xfffe, 0xe000),
  itemEnd: tagKey(0xfffe, 0xe00d),
  sequenceEnd: tagKey(0xfffe, 0xe0dd),
} as const;

/** True when the bytes carry the Part 10 marker ("DICM" after the 128-byte preamble). */
export function isDicom(bytes: Uint8Array): boolean {
  return bytes.length >= 132 && bytes[128] === 0x44 && bytes[129] === 0x49 && bytes[130] === 0x43 && bytes[131] === 0x4d;
}

interface Element {
  readonly offset: number;
  readonly length: number;
}

class Reader {
  readonly view: DataView;
  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  need(offset: number, length: number): void {
    if (offset + length > this.bytes.length) throw new DicomError('The DICOM file ends early (it may have been cut short).');
  }
  u16(offset: number): number {
    this.need(offset, 2);
    return this.view.getUint16(offset, true);
  }
  u32(offset: number): number {
    this.need(offset, 4);
    return this.view.getUint32(offset, true);
  }
  ascii(offset: number, length: number): string {
    this.need(offset, length);
    let out = '';
    for (let i = 0; i < length; i += 1) out += String.fromCharCode(this.bytes[offset + i] ?? 0);
    return out;
  }
}

/** Parses elements from `start` until `end` (or a delimiter); records the top-level ones in `found`. */
function parseElements(r: Reader, start: number, end: number, explicit: boolean, found: Map<number, Element> | null): number {
  let offset = start;
  while (offset < end) {
    const group = r.u16(offset);
    const element = r.u16(offset + 2);
    const tag = tagKey(group, element);
    if (tag === TAG.itemEnd || tag === TAG.sequenceEnd) return offset + 8;
    let vr = '';
    let length: number;
    let header: number;
    // Delimiters and items never carry a VR, even in explicit-VR datasets.
    if (explicit && group !== 0xfffe) {
      vr = r.ascii(offset + 4, 2);
      if (LONG_VRS.has(vr)) {
        length = r.u32(offset + 8);
        header = 12;
      } else {
        length = r.u16(offset + 6);
        header = 8;
      }
    } else {
      length = r.u32(offset + 4);
      header = 8;
    }
    const valueStart = offset + header;
    if (length === UNDEFINED_LENGTH) {
      if (tag === TAG.pixelData) {
        throw new DicomError('This DICOM file stores compressed (encapsulated) pixels, which the studio cannot read yet. Export it uncompressed.');
      }
      offset = skipUndefinedSequence(r, valueStart, explicit);
      continue;
    }
    r.need(valueStart, length);
    if (found && !found.has(tag)) found.set(tag, { offset: valueStart, length });
    offset = valueStart + length;
  }
  return offset;
}

/** Skips a sequence (or item) of undefined length; returns the offset after its delimiter. */
function skipUndefinedSequence(r: Reader, start: number, explicit: boolean): number {
  let offset = start;
  for (;;) {
    const tag = tagKey(r.u16(offset), r.u16(offset + 2));
    const length = r.u32(offset + 4);
    if (tag === TAG.sequenceEnd) return offset + 8;
    if (tag !== TAG.item) throw new DicomError('The DICOM file has a malformed sequence.');
    offset = length === UNDEFINED_LENGTH ? parseElements(r, offset + 8, r.bytes.length, explicit, null) : offset + 8 + length;
  }
}

function readNumber(r: Reader, found: Map<number, Element>, tag: number, kind: 'us' | 'text'): number | null {
  const el = found.get(tag);
  if (!el || el.length === 0) return null;
  if (kind === 'us') return r.u16(el.offset);
  const first = r.ascii(el.offset, el.length).split('\\')[0]?.trim() ?? '';
  const value = Number(first);
  return first !== '' && Number.isFinite(value) ? value : null;
}

function readText(r: Reader, found: Map<number, Element>, tag: number): string {
  const el = found.get(tag);
  return el ? r.ascii(el.offset, el.length).replace(/[\0\s]+$/, '').trim() : '';
}

/** Decodes the first frame of a greyscale DICOM to 8-bit display values. Throws DicomError with a user sentence. */
export function decodeDicom(bytes: Uint8Array): GreyImage {
  if (!isDicom(bytes)) throw new DicomError('This is not a DICOM Part 10 file (no "DICM" marker).');
  const r = new Reader(bytes);
  // File meta information (group 0002) is always explicit VR little endian.
  const meta = new Map<number, Element>();
  let offset = 132;
  while (offset + 4 <= bytes.length && r.u16(offset) === 0x0002) offset = parseElements(r, offset, offset + 1, true, meta);
  const syntax = readText(r, meta, TAG.transferSyntax);
  if (syntax !== EXPLICIT_LE && syntax !== IMPLICIT_LE) {
    throw new DicomError(
      `This DICOM file uses transfer syntax ${syntax || '(none given)'}, which the studio cannot read yet; it reads uncompressed little-endian files. Export it uncompressed.`,
    );
  }
  const found = new Map<number, Element>();
  parseElements(r, offset, bytes.length, syntax === EXPLICIT_LE, found);

  const rows = readNumber(r, found, TAG.rows, 'us');
  const columns = readNumber(r, found, TAG.columns, 'us');
  const pixelData = found.get(TAG.pixelData);
  if (!rows || !columns || !pixelData) throw new DicomError('This DICOM file has no image (rows, columns or pixel data missing).');
  if ((readNumber(r, found, TAG.samplesPerPixel, 'us') ?? 1) !== 1) throw new DicomError('This DICOM file is a colour image; reader studies use greyscale radiographs.');
  const photometric = readText(r, found, TAG.photometric) || 'MONOCHROME2';
  if (photometric !== 'MONOCHROME1' && photometric !== 'MONOCHROME2') {
    throw new DicomError(`This DICOM file's photometric interpretation is ${photometric}; only MONOCHROME1/2 greyscale is supported.`);
  }
  const bitsAllocated = readNumber(r, found, TAG.bitsAllocated, 'us') ?? 16;
  if (bitsAllocated !== 8 && bitsAllocated !== 16) throw new DicomError(`This DICOM file has ${bitsAllocated}-bit pixels; 8 and 16 are supported.`);
  const bitsStored = Math.min(readNumber(r, found, TAG.bitsStored, 'us') ?? bitsAllocated, bitsAllocated);
  const signed = readNumber(r, found, TAG.pixelRepresentation, 'us') === 1;
  const count = rows * columns;
  if (count > MAX_PIXELS) throw new DicomError(`This DICOM image is ${columns}×${rows} pixels, more than the studio handles.`);
  const bytesPerPixel = bitsAllocated / 8;
  if (pixelData.length < count * bytesPerPixel) throw new DicomError('The DICOM pixel data is shorter than the image size (the file may be cut short).');

  const slope = readNumber(r, found, TAG.rescaleSlope, 'text') ?? 1;
  const intercept = readNumber(r, found, TAG.rescaleIntercept, 'text') ?? 0;
  const mask = bitsStored >= 32 ? 0xffffffff : 2 ** bitsStored - 1;
  const signBit = 2 ** (bitsStored - 1);
  const values = new Float64Array(count);
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < count; i += 1) {
    // Mask to BitsStored (the high bits may hold overlays), then sign-extend if the pixels are signed.
    let stored = (bitsAllocated === 8 ? (bytes[pixelData.offset + i] ?? 0) : r.view.getUint16(pixelData.offset + 2 * i, true)) & mask;
    if (signed && stored >= signBit) stored -= 2 * signBit;
    const v = stored * slope + intercept;
    values[i] = v;
    if (v < min) min = v;
    if (v > max) max = v;
  }

  const centre = readNumber(r, found, TAG.windowCenter, 'text');
  const width = readNumber(r, found, TAG.windowWidth, 'text');
  const pixels = new Uint8ClampedArray(count);
  const invert = photometric === 'MONOCHROME1';
  if (centre !== null && width !== null && width >= 1) {
    // PS3.3 C.11.2.1.2.1 linear VOI function.
    const c = centre - 0.5;
    const w = width - 1;
    for (let i = 0; i < count; i += 1) {
      const x = values[i] ?? 0;
      const y = x <= c - w / 2 ? 0 : x > c + w / 2 ? 255 : w === 0 ? 255 : ((x - c) / w + 0.5) * 255;
      pixels[i] = Math.round(invert ? 255 - y : y);
    }
  } else {
    const range = max - min;
    for (let i = 0; i < count; i += 1) {
      const y = range > 0 ? (((values[i] ?? 0) - min) / range) * 255 : 0;
      pixels[i] = Math.round(invert ? 255 - y : y);
    }
  }
  return { width: columns, height: rows, pixels };
}
