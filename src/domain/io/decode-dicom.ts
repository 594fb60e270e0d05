/**
 * @file DICOM Part 10 import through dicom-parser (PS3.3 C.7.6.3 Image Pixel, C.11 LUTs; PS3.5 §8 native pixels).
 *
 * - Transfer syntaxes: implicit/explicit VR little endian, explicit big endian, deflated (inflated with fflate).
 *   Compressed ones get a message naming the syntax. Files without the 128-byte preamble are read as implicit VR.
 * - Pixels: BitsAllocated 8/16/32, masked to BitsStored at HighBit, sign-extended for PixelRepresentation 1;
 *   first frame of multi-frame files; MONOCHROME1/2 (MONOCHROME1 displayed inverted), RGB/YBR_FULL as luma.
 * - Modality transform: Modality LUT Sequence, else RescaleSlope/Intercept.
 * - VOI: VOI LUT Sequence, else WindowCenter/Width with VOILUTFunction, else the full range of the pixels.
 * Every problem becomes an ImportError with a sentence naming the file and what is wrong.
 */
import { Inflate } from 'fflate';
import type { HeaderSummary } from './header-summary';
import { ImportError, checkDimensions } from './import-error';
import type { DisplayPipeline, ScalarImage, VoiFunction, VoiTransform } from './scalar-image';
import { SOP_CLASS_NAMES, transferSyntax } from './dicom-uids';
import { dicomParser } from './vendor/dicom-parser';
import type { DataSet, Element } from './vendor/dicom-parser';
import { describeVoi, fullRangeWindow, isUsableWindow } from './windowing';

export interface DecodedDicom {
  readonly image: ScalarImage;
  readonly display: DisplayPipeline;
  readonly header: HeaderSummary;
  readonly warnings: readonly string[];
}

/** The DICM magic at byte 128 of a Part 10 file. */
export function isDicomPart10(bytes: Uint8Array): boolean {
  return bytes.length >= 132 && bytes[128] === 0x44 && bytes[129] === 0x49 && bytes[130] === 0x43 && bytes[131] === 0x4d;
}

/** A dataset without preamble usually starts with a group 0x0008 (or 0x0002) element in little endian. */
export function looksLikeRawDataset(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && (bytes[0] === 0x08 || bytes[0] === 0x02) && bytes[1] === 0x00 && bytes[3] === 0x00;
}

type Parsed = { readonly dataSet: DataSet; readonly syntaxUid: string };

function problemText(e: unknown): string {
  if (e instanceof Error) return e.message;
  if (typeof e === 'string') return e;
  const inner = (e as { exception?: unknown } | null)?.exception;
  return inner !== undefined ? problemText(inner) : String(e);
}

function parse(bytes: Uint8Array, fileName: string): Parsed {
  const broken = (problem: 'corrupt' | 'truncated', why: string) => new ImportError(problem, `"${fileName}" is a broken DICOM file: ${why}.`);
  const part10 = isDicomPart10(bytes);
  if (!part10 && !looksLikeRawDataset(bytes)) {
    throw new ImportError('unknown-format', `"${fileName}" is not a DICOM file: it has no "DICM" marker at byte 128.`);
  }
  if (part10 && bytes.length < 132 + 12) throw broken('truncated', `it ends right after its "DICM" marker (${bytes.length} bytes)`);
  const options = part10
    ? { inflater: (array: Uint8Array, position: number) => inflateRest(array, position, fileName) }
    : { TransferSyntaxUID: '1.2.840.10008.1.2' };
  try {
    const dataSet = dicomParser.parseDicom(bytes, options);
    return { dataSet, syntaxUid: (dataSet.string('x00020010') ?? '1.2.840.10008.1.2').trim() };
  } catch (e) {
    if (e instanceof ImportError) throw e;
    const partial = (e as { dataSet?: DataSet } | null)?.dataSet;
    const why = problemText(e);
    const pixels = partial?.elements['x7fe00010'];
    if (partial && pixels && pixels.dataOffset + pixels.length > partial.byteArray.length) {
      const have = Math.max(0, partial.byteArray.length - pixels.dataOffset);
      throw broken('truncated', `the pixel data is cut short: ${have} of ${pixels.length} bytes are in the file`);
    }
    if (/overrun|past end|beyond|end of buffer|outside|eof/i.test(why)) {
      throw broken('truncated', `it is cut short or corrupt: an element runs past the end of the file (${why.replace(/^dicomParser[.:]\w*: ?/, '')})`);
    }
    if (/missing required meta header attribute 0002,0010/.test(why)) throw broken('corrupt', 'its file meta information has no Transfer Syntax UID (0002,0010)');
    throw broken('corrupt', why.replace(/^dicomParser[.:]\w*: ?/, ''));
  }
}

/**
 * The most a deflated dataset may inflate to: far above any chest radiograph (4096 × 4096 × 16 bits is 32 MiB), far
 * below what would exhaust the tab (a few KiB of deflate can claim gigabytes).
 */
export const MAX_INFLATED_DICOM_BYTES = 256 * 2 ** 20;
const INFLATE_SLICE_BYTES = 64 * 1024;

function inflateRest(array: Uint8Array, position: number, fileName: string, maxBytes = MAX_INFLATED_DICOM_BYTES): Uint8Array {
  const parts: Uint8Array[] = [];
  let total = 0;
  const inflater = new Inflate((chunk) => {
    total += chunk.length;
    parts.push(chunk);
  });
  try {
    // Fed a slice at a time, so an inflated size past the limit is seen before it is all in memory.
    const rest = array.subarray(position);
    for (let at = 0; at < rest.length; at += INFLATE_SLICE_BYTES) {
      inflater.push(rest.subarray(at, at + INFLATE_SLICE_BYTES), at + INFLATE_SLICE_BYTES >= rest.length);
      if (total > maxBytes) {
        throw new ImportError('too-large', `"${fileName}" inflates to more than ${Math.round(maxBytes / 2 ** 20)} MiB, more than any chest radiograph; it was not read.`);
      }
    }
  } catch (e) {
    if (e instanceof ImportError) throw e;
    throw new ImportError('corrupt', `"${fileName}" is a broken DICOM file: its deflated dataset cannot be inflated (${(e as Error).message}).`);
  }
  const out = new Uint8Array(position + total);
  out.set(array.subarray(0, position));
  let at = position;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** For tests: the inflater with a smaller limit. */
export const inflateRestForTest = inflateRest;

const str = (ds: DataSet, tag: string): string | undefined => {
  const v = ds.string(tag);
  return v === undefined || v.trim() === '' ? undefined : v.trim();
};
const num = (ds: DataSet, tag: string, index = 0): number | undefined => {
  const v = ds.floatString(tag, index);
  return v === undefined || Number.isNaN(v) ? undefined : v;
};
const us = (ds: DataSet, tag: string, index = 0): number | undefined => (ds.elements[tag] && ds.elements[tag].length >= 2 * (index + 1) ? ds.uint16(tag, index) : undefined);

/** Decodes a DICOM file's first frame. @throws ImportError */
export function decodeDicom(bytes: Uint8Array, fileName = 'image.dcm'): DecodedDicom {
  const { dataSet: ds, syntaxUid } = parse(bytes, fileName);
  const broken = (why: string) => new ImportError('corrupt', `"${fileName}" is a broken DICOM file: ${why}.`);
  const syntax = transferSyntax(syntaxUid);
  if (!syntax) {
    throw new ImportError('unsupported', `"${fileName}" uses the transfer syntax ${syntaxUid}, which the studio does not know. Export it as uncompressed DICOM or PNG.`);
  }
  if (!syntax.native) {
    throw new ImportError('compressed', `This DICOM uses ${syntax.name} (${syntax.uid}) compression, which the studio cannot decode yet. Export it as uncompressed DICOM or PNG.`);
  }
  const sopClassUid = str(ds, 'x00080016');
  const pixelElement = ds.elements['x7fe00010'];
  if (!pixelElement) {
    const what = ds.elements['x7fe00008'] || ds.elements['x7fe00009'] ? 'float pixel data, which the studio does not read' : 'no pixel data';
    const sop = sopClassUid ? ` (${SOP_CLASS_NAMES[sopClassUid] ?? sopClassUid})` : '';
    throw new ImportError('no-pixels', `"${fileName}" is a DICOM file${sop} with ${what}: it holds no image to import.`);
  }
  if (pixelElement.encapsulatedPixelData || pixelElement.hadUndefinedLength) {
    throw broken(`its pixel data is encapsulated (compressed fragments) although its transfer syntax, ${syntax.name}, is uncompressed`);
  }

  const rows = us(ds, 'x00280010') ?? 0;
  const columns = us(ds, 'x00280011') ?? 0;
  checkDimensions(fileName, 'DICOM file', columns, rows);
  const samplesPerPixel = us(ds, 'x00280002') ?? 1;
  const photometric = (str(ds, 'x00280004') ?? (samplesPerPixel === 1 ? 'MONOCHROME2' : 'RGB')).toUpperCase();
  const bitsAllocated = us(ds, 'x00280100');
  if (bitsAllocated === undefined) throw broken('it has pixel data but no BitsAllocated (0028,0100)');
  if (![8, 16, 32].includes(bitsAllocated)) {
    throw new ImportError('unsupported', `"${fileName}" stores ${bitsAllocated}-bit pixels (BitsAllocated); the studio reads 8, 16 and 32.`);
  }
  const bitsStored = us(ds, 'x00280101') ?? bitsAllocated;
  const highBit = us(ds, 'x00280102') ?? bitsStored - 1;
  const signed = (us(ds, 'x00280103') ?? 0) === 1;
  if (bitsStored < 1 || bitsStored > bitsAllocated) throw broken(`BitsStored is ${bitsStored} with BitsAllocated ${bitsAllocated}`);
  if (highBit < bitsStored - 1 || highBit >= bitsAllocated) throw broken(`HighBit ${highBit} does not fit BitsStored ${bitsStored} in BitsAllocated ${bitsAllocated}`);

  const grey = photometric === 'MONOCHROME1' || photometric === 'MONOCHROME2';
  if (grey && samplesPerPixel !== 1) throw broken(`${photometric} with ${samplesPerPixel} samples per pixel`);
  if (!grey && !((photometric === 'RGB' || photometric === 'YBR_FULL') && samplesPerPixel === 3 && bitsAllocated === 8)) {
    throw new ImportError('unsupported', `"${fileName}" uses photometric interpretation ${photometric} with ${samplesPerPixel} sample${samplesPerPixel === 1 ? '' : 's'} of ${bitsAllocated} bits; the studio reads MONOCHROME1, MONOCHROME2 and 8-bit RGB.`);
  }
  const frames = Math.max(1, Math.floor(num(ds, 'x00280008') ?? 1));
  const bytesPerSample = bitsAllocated / 8;
  const frameBytes = rows * columns * samplesPerPixel * bytesPerSample;
  const available = Math.min(pixelElement.length, ds.byteArray.length - pixelElement.dataOffset);
  if (available < frameBytes) {
    throw new ImportError('truncated', `"${fileName}" is a broken DICOM file: the pixel data has ${available} bytes, but ${rows}×${columns} pixels of ${bitsAllocated} bits need ${frameBytes}.`);
  }
  const warnings: string[] = [...(ds.warnings ?? []).slice(0, 3).map((w) => `DICOM reader: ${w}`)];
  if (frames > 1) warnings.push(`The file has ${frames} frames; only the first is used.`);

  const pixelBytes = ds.byteArray.subarray(pixelElement.dataOffset, pixelElement.dataOffset + frameBytes);
  const stored = grey
    ? readStoredValues(pixelBytes, rows * columns, { bitsAllocated, bitsStored, highBit, signed, littleEndian: syntax.littleEndian })
    : readColourLuma(pixelBytes, rows * columns, photometric, us(ds, 'x00280006') ?? 0);

  const header: HeaderSummary = baseHeader(ds, syntax.name, sopClassUid, { rows, columns, photometric, bitsAllocated, bitsStored, highBit, signed, frames });
  if (!grey) {
    const image = { width: columns, height: rows, values: stored };
    const voi: VoiTransform = { kind: 'window', center: 128, width: 256, fn: 'LINEAR', source: 'bit-depth' };
    return { image, display: { voi, invert: false }, header: { ...header, window: describeVoi(voi) }, warnings };
  }

  const modality = modalityTransform(ds, stored, signed, warnings);
  const image: ScalarImage = { width: columns, height: rows, values: modality.values };
  const voi = voiTransform(ds, image, signed, warnings);
  const summary: HeaderSummary = {
    ...header,
    ...(modality.rescale ? { rescale: modality.rescale } : {}),
    ...(modality.lut ? { modalityLut: modality.lut } : {}),
    window: describeVoi(voi),
  };
  return { image, display: { voi, invert: photometric === 'MONOCHROME1' }, header: summary, warnings };
}

interface StoredLayout {
  readonly bitsAllocated: number;
  readonly bitsStored: number;
  readonly highBit: number;
  readonly signed: boolean;
  readonly littleEndian: boolean;
}

/** Native pixel cells → stored values: shift to HighBit, mask to BitsStored, sign-extend (PS3.5 §8.1.1). */
export function readStoredValues(bytes: Uint8Array, count: number, layout: StoredLayout): Float32Array {
  const { bitsAllocated, bitsStored, highBit, signed, littleEndian } = layout;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shift = highBit + 1 - bitsStored;
  const mask = bitsStored >= 32 ? 0xffffffff : 2 ** bitsStored - 1;
  const signBit = 2 ** (bitsStored - 1);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i += 1) {
    const cell = bitsAllocated === 8 ? (bytes[i] ?? 0) : bitsAllocated === 16 ? view.getUint16(i * 2, littleEndian) : view.getUint32(i * 4, littleEndian);
    // Division instead of >>> keeps 32-bit cells exact in doubles.
    let v = Math.floor(cell / 2 ** shift) % (mask + 1);
    if (signed && v >= signBit) v -= 2 * signBit;
    out[i] = v;
  }
  return out;
}

function readColourLuma(bytes: Uint8Array, count: number, photometric: string, planar: number): Float32Array {
  const out = new Float32Array(count);
  for (let i = 0; i < count; i += 1) {
    const at = (c: number) => bytes[planar === 1 ? c * count + i : i * 3 + c] ?? 0;
    // YBR_FULL already carries luma in Y.
    out[i] = photometric === 'YBR_FULL' ? at(0) : Math.round(0.299 * at(0) + 0.587 * at(1) + 0.114 * at(2));
  }
  return out;
}

interface Lut {
  readonly entries: number;
  readonly firstMapped: number;
  readonly bits: number;
  readonly data: Uint16Array;
  readonly explanation: string;
}

/** Reads a LUT item (Modality or VOI LUT Sequence): Descriptor (3 values) + Data (PS3.3 C.11.1.1 / C.11.2.1.1). */
function readLut(item: DataSet, signed: boolean): Lut | null {
  const descriptor = item.elements['x00283002'];
  const dataElement: Element | undefined = item.elements['x00283006'];
  if (!descriptor || descriptor.length < 6 || !dataElement) return null;
  const entries = item.uint16('x00283002', 0) || 65536;
  const rawFirst = item.uint16('x00283002', 1) ?? 0;
  const firstMapped = signed && rawFirst >= 32768 ? rawFirst - 65536 : rawFirst;
  const bits = item.uint16('x00283002', 2) ?? 16;
  if (bits < 8 || bits > 16) return null;
  const data = new Uint16Array(entries);
  const eightBitPacked = dataElement.length === entries || (bits === 8 && dataElement.length < entries * 2);
  if (dataElement.length < (eightBitPacked ? entries : entries * 2)) return null;
  for (let i = 0; i < entries; i += 1) data[i] = eightBitPacked ? (item.byteArray[dataElement.dataOffset + i] ?? 0) : (item.uint16('x00283006', i) ?? 0);
  return { entries, firstMapped, bits, data, explanation: str(item, 'x00283003') ?? '' };
}

function firstItem(ds: DataSet, tag: string): DataSet | undefined {
  return ds.elements[tag]?.items?.[0]?.dataSet;
}

function modalityTransform(
  ds: DataSet,
  stored: Float32Array,
  signed: boolean,
  warnings: string[],
): { values: Float32Array; rescale?: NonNullable<HeaderSummary['rescale']>; lut?: string } {
  const lutItem = firstItem(ds, 'x00283000');
  if (lutItem) {
    const lut = readLut(lutItem, signed);
    if (lut) {
      const values = new Float32Array(stored.length);
      const last = lut.entries - 1;
      for (let i = 0; i < stored.length; i += 1) values[i] = lut.data[Math.min(last, Math.max(0, (stored[i] ?? 0) - lut.firstMapped))] ?? 0;
      return { values, lut: `${lut.entries} entries from ${lut.firstMapped}, ${lut.bits}-bit${lut.explanation ? ` “${lut.explanation}”` : ''}` };
    }
    warnings.push('The Modality LUT Sequence is unreadable and was ignored.');
  }
  const slope = num(ds, 'x00281053');
  const intercept = num(ds, 'x00281052');
  if (slope === undefined && intercept === undefined) return { values: stored };
  const s = slope ?? 1;
  const b = intercept ?? 0;
  if (s === 0) {
    warnings.push('RescaleSlope is 0, which would flatten the image; it was treated as 1.');
    return { values: stored, rescale: { slope: 1, intercept: b } };
  }
  const values = s === 1 && b === 0 ? stored : stored.map((v) => v * s + b);
  const type = str(ds, 'x00281054');
  return { values, rescale: { slope: s, intercept: b, ...(type ? { type } : {}) } };
}

function voiTransform(ds: DataSet, image: ScalarImage, signed: boolean, warnings: string[]): VoiTransform {
  const lutItem = firstItem(ds, 'x00283010');
  if (lutItem) {
    const lut = readLut(lutItem, signed);
    if (lut) return { kind: 'lut', firstMapped: lut.firstMapped, outputBits: lut.bits, data: lut.data, explanation: lut.explanation, source: 'file' };
    warnings.push('The VOI LUT Sequence is unreadable; the window tags or the full range were used instead.');
  }
  const center = num(ds, 'x00281050');
  const width = num(ds, 'x00281051');
  const fnText = (str(ds, 'x00281056') ?? 'LINEAR').toUpperCase();
  const fn: VoiFunction = fnText === 'SIGMOID' || fnText === 'LINEAR_EXACT' ? fnText : 'LINEAR';
  if (center !== undefined && width !== undefined) {
    if (isUsableWindow(center, width, fn)) return { kind: 'window', center, width, fn, source: 'file' };
    warnings.push(`The file's window (centre ${center}, width ${width}) is not valid; the full range of the pixels is used.`);
  }
  return fullRangeWindow(image);
}

function baseHeader(
  ds: DataSet,
  syntaxName: string,
  sopClassUid: string | undefined,
  p: { rows: number; columns: number; photometric: string; bitsAllocated: number; bitsStored: number; highBit: number; signed: boolean; frames: number },
): HeaderSummary {
  const spacing = (tag: string) => {
    const row = num(ds, tag, 0);
    const column = num(ds, tag, 1);
    return row !== undefined && column !== undefined ? { row, column } : undefined;
  };
  const pixel = spacing('x00280030');
  const imager = spacing('x00181164');
  const imageType = (str(ds, 'x00080008') ?? '').toUpperCase();
  const optional = {
    modality: str(ds, 'x00080060'),
    viewPosition: str(ds, 'x00185101'),
    bodyPart: str(ds, 'x00180015'),
    sopClass: sopClassUid ? (SOP_CLASS_NAMES[sopClassUid] ?? sopClassUid) : undefined,
  };
  return {
    format: 'DICOM',
    width: p.columns,
    height: p.rows,
    ...Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined)),
    photometric: p.photometric,
    bitsAllocated: p.bitsAllocated,
    bitsStored: p.bitsStored,
    highBit: p.highBit,
    signed: p.signed,
    ...(pixel ? { pixelSpacing: { ...pixel, source: 'PixelSpacing' as const } } : imager ? { pixelSpacing: { ...imager, source: 'ImagerPixelSpacing' as const } } : {}),
    transferSyntax: syntaxName,
    frames: p.frames,
    // A file that declares its identity removed (e.g. a studio export) carries placeholders, not a person.
    hasPatientIdentity: str(ds, 'x00120062') !== 'YES' && ['x00100010', 'x00100020', 'x00100030'].some((tag) => str(ds, tag) !== undefined),
    syntheticMarked: str(ds, 'x00080064') === 'SYN' || imageType.includes('SYNTHETIC') || /synthetic/i.test(str(ds, 'x00082111') ?? ''),
  };
}
