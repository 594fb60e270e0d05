/**
 * @file A small, strict PNG decoder (ISO/IEC 15948) for imports: 1–16-bit grey, grey+alpha, RGB(A) and palette,
 * interlaced or not. It exists because browsers' canvas drops 16-bit PNGs to 8 bits, and X-ray PNGs are often
 * 12–16-bit grey; it also runs in Node for the batch CLI and the tests. Colour is reduced to BT.601 luma in the
 * file's own value scale; alpha darkens (transparent = black), as the 8-bit importer does.
 *
 * Every failure is an ImportError whose message names the chunk and the problem (bad checksum, cut short, …).
 */
import { unzlibSync } from 'fflate';
import { crc32 } from '../png-text';
import { ImportError, checkDimensions } from './import-error';
import type { ScalarImage } from './scalar-image';

export const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] as const;

export interface DecodedPng {
  readonly image: ScalarImage;
  readonly bitDepth: number;
  readonly colorType: number;
  readonly interlaced: boolean;
  /** Largest value a sample can hold (255 or 65535, …): the natural display range. */
  readonly maxValue: number;
  /** tEXt / iTXt entries (e.g. provenance of a studio export). */
  readonly text: Readonly<Record<string, string>>;
  readonly warnings: readonly string[];
}

/** Samples per pixel of each colour type. */
export const CHANNELS_BY_COLOR_TYPE: Readonly<Record<number, number>> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
const ALLOWED_DEPTHS: Readonly<Record<number, readonly number[]>> = {
  0: [1, 2, 4, 8, 16],
  2: [8, 16],
  3: [1, 2, 4, 8],
  4: [8, 16],
  6: [8, 16],
};
const COLOR_NAMES: Readonly<Record<number, string>> = { 0: 'grey', 2: 'RGB', 3: 'palette', 4: 'grey + alpha', 6: 'RGBA' };

/** Adam7 passes: x start, y start, x step, y step. */
export const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
] as const;

interface Header {
  width: number;
  height: number;
  bitDepth: number;
  colorType: number;
  interlaced: boolean;
}

export function isPng(bytes: Uint8Array): boolean {
  return PNG_SIGNATURE.every((b, i) => bytes[i] === b);
}

export function describePngFormat(bitDepth: number, colorType: number): string {
  return `PNG ${bitDepth}-bit ${COLOR_NAMES[colorType] ?? `colour type ${colorType}`}`;
}

/** Decodes a whole PNG file. @throws ImportError */
export function decodePng(bytes: Uint8Array, fileName = 'image.png'): DecodedPng {
  const broken = (problem: 'corrupt' | 'truncated', why: string) => new ImportError(problem, `"${fileName}" is a broken PNG file: ${why}.`);
  if (bytes.length < 8 || !isPng(bytes)) throw broken('corrupt', 'it does not start with the PNG signature');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const warnings: string[] = [];
  const text: Record<string, string> = {};
  const idat: Uint8Array[] = [];
  let header: Header | null = null;
  let palette: Uint8Array | null = null;
  let sawEnd = false;
  let offset = 8;
  while (offset < bytes.length) {
    if (offset + 8 > bytes.length) throw broken('truncated', `it is cut short inside a chunk header at byte ${offset}`);
    const length = view.getUint32(offset);
    const type = String.fromCharCode(...bytes.subarray(offset + 4, offset + 8));
    if (!/^[A-Za-z]{4}$/.test(type)) throw broken('corrupt', `the chunk at byte ${offset} has an invalid type`);
    if (length > 0x7fffffff || offset + 12 + length > bytes.length) {
      throw broken('truncated', `the ${type} chunk at byte ${offset} says it holds ${length} bytes, but the file ends first`);
    }
    const data = bytes.subarray(offset + 8, offset + 8 + length);
    const crc = view.getUint32(offset + 8 + length);
    if (crc32(bytes.subarray(offset + 4, offset + 8 + length)) !== crc) throw broken('corrupt', `the ${type} chunk has a wrong checksum`);
    if (header === null && type !== 'IHDR') throw broken('corrupt', `the first chunk is ${type}, not IHDR`);
    switch (type) {
      case 'IHDR':
        header = readHeader(data, fileName);
        break;
      case 'PLTE':
        if (length % 3 !== 0 || length === 0) throw broken('corrupt', 'the palette (PLTE) length is not a multiple of 3');
        palette = data;
        break;
      case 'IDAT':
        idat.push(data);
        break;
      case 'tEXt':
        readText(data, text);
        break;
      case 'iTXt':
        readInternationalText(data, text);
        break;
      case 'IEND':
        sawEnd = true;
        break;
      default:
        // Unknown critical chunks (upper-case first letter) change how pixels decode; ancillary ones may be skipped.
        if (type.charCodeAt(0) < 0x61) throw new ImportError('unsupported', `"${fileName}" uses the PNG chunk ${type}, which the studio does not support.`);
    }
    offset += 12 + length;
    if (sawEnd) break;
  }
  if (!header) throw broken('truncated', 'it has no IHDR chunk');
  if (idat.length === 0) throw broken('truncated', 'it has no image data (IDAT chunk)');
  if (!sawEnd) warnings.push('The PNG has no IEND chunk; it may be cut short, but all image data decoded.');
  if (header.colorType === 3 && !palette) throw broken('corrupt', 'it is a palette image without a palette (PLTE)');

  const compressed = concat(idat);
  const expected = filteredSize(header);
  let raw: Uint8Array;
  try {
    // A fixed-size output bounds memory against decompression bombs; extra data is simply not read.
    raw = unzlibSync(compressed, { out: new Uint8Array(expected) });
  } catch (e) {
    const message = (e as Error).message;
    throw broken(/EOF/i.test(message) ? 'truncated' : 'corrupt', `its compressed image data cannot be read (${message})`);
  }
  if (raw.length < expected) throw broken('truncated', `the image data is cut short: ${raw.length} of ${expected} bytes`);
  const samples = unfilterAll(raw, header, fileName);
  const image = toLuma(samples, header, palette);
  return {
    image,
    bitDepth: header.bitDepth,
    colorType: header.colorType,
    interlaced: header.interlaced,
    maxValue: header.colorType === 3 ? 255 : 2 ** header.bitDepth - 1,
    text,
    warnings,
  };
}

function readHeader(data: Uint8Array, fileName: string): Header {
  const broken = (why: string) => new ImportError('corrupt', `"${fileName}" is a broken PNG file: ${why}.`);
  if (data.length !== 13) throw broken(`the IHDR chunk is ${data.length} bytes instead of 13`);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const width = view.getUint32(0);
  const height = view.getUint32(4);
  const bitDepth = data[8] ?? 0;
  const colorType = data[9] ?? 0;
  checkDimensions(fileName, 'PNG file', width, height);
  const depths = ALLOWED_DEPTHS[colorType];
  if (!depths) throw broken(`colour type ${colorType} does not exist`);
  if (!depths.includes(bitDepth)) throw broken(`bit depth ${bitDepth} is not allowed for ${COLOR_NAMES[colorType]} images`);
  if (data[10] !== 0 || data[11] !== 0) throw broken('it names an unknown compression or filter method');
  if (data[12] !== 0 && data[12] !== 1) throw broken(`interlace method ${data[12]} does not exist`);
  return { width, height, bitDepth, colorType, interlaced: data[12] === 1 };
}

function latin1(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += String.fromCharCode(b);
  return out;
}

function readText(data: Uint8Array, into: Record<string, string>): void {
  const nul = data.indexOf(0);
  if (nul > 0) into[latin1(data.subarray(0, nul))] = latin1(data.subarray(nul + 1));
}

/** iTXt: keyword NUL flag method language NUL translated NUL text (UTF-8; compressed entries are skipped). */
function readInternationalText(data: Uint8Array, into: Record<string, string>): void {
  const nul = data.indexOf(0);
  if (nul <= 0 || nul + 2 >= data.length) return;
  if (data[nul + 1] !== 0) return;
  const languageEnd = data.indexOf(0, nul + 3);
  if (languageEnd < 0) return;
  const translatedEnd = data.indexOf(0, languageEnd + 1);
  if (translatedEnd < 0) return;
  into[latin1(data.subarray(0, nul))] = new TextDecoder('utf-8', { fatal: false }).decode(data.subarray(translatedEnd + 1));
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0] as Uint8Array;
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

function bitsPerPixel(h: Header): number {
  return (CHANNELS_BY_COLOR_TYPE[h.colorType] ?? 1) * h.bitDepth;
}

/** Size of a (sub)image with its filter bytes. */
function passBytes(h: Header, width: number, height: number): number {
  if (width === 0 || height === 0) return 0;
  return height * (1 + Math.ceil((width * bitsPerPixel(h)) / 8));
}

type Pass = readonly [number, number, number, number];

function passSizes(h: Header): { width: number; height: number; pass: Pass }[] {
  if (!h.interlaced) return [{ width: h.width, height: h.height, pass: [0, 0, 1, 1] }];
  return ADAM7.map((p) => ({
    width: Math.ceil((h.width - p[0]) / p[2]),
    height: Math.ceil((h.height - p[1]) / p[3]),
    pass: p,
  }));
}

function filteredSize(h: Header): number {
  return passSizes(h).reduce((n, p) => n + passBytes(h, Math.max(0, p.width), Math.max(0, p.height)), 0);
}

/** Undoes the per-row filters and reads every sample; returns samples[channel-interleaved], width×height×channels. */
function unfilterAll(raw: Uint8Array, h: Header, fileName: string): Uint16Array {
  const channels = CHANNELS_BY_COLOR_TYPE[h.colorType] ?? 1;
  const out = new Uint16Array(h.width * h.height * channels);
  const bpp = Math.max(1, Math.ceil(bitsPerPixel(h) / 8));
  let offset = 0;
  for (const { width, height, pass } of passSizes(h)) {
    if (width <= 0 || height <= 0) continue;
    const stride = Math.ceil((width * bitsPerPixel(h)) / 8);
    let previous = new Uint8Array(stride);
    for (let y = 0; y < height; y += 1) {
      const filter = raw[offset] ?? 0;
      const row = raw.slice(offset + 1, offset + 1 + stride);
      offset += 1 + stride;
      unfilterRow(filter, row, previous, bpp, fileName, y);
      const outY = pass[1] + y * pass[3];
      for (let x = 0; x < width; x += 1) {
        const outX = pass[0] + x * pass[2];
        for (let c = 0; c < channels; c += 1) out[(outY * h.width + outX) * channels + c] = readSample(row, x * channels + c, h.bitDepth);
      }
      previous = row;
    }
  }
  return out;
}

function unfilterRow(filter: number, row: Uint8Array, previous: Uint8Array, bpp: number, fileName: string, y: number): void {
  const n = row.length;
  switch (filter) {
    case 0:
      return;
    case 1:
      for (let i = bpp; i < n; i += 1) row[i] = ((row[i] ?? 0) + (row[i - bpp] ?? 0)) & 0xff;
      return;
    case 2:
      for (let i = 0; i < n; i += 1) row[i] = ((row[i] ?? 0) + (previous[i] ?? 0)) & 0xff;
      return;
    case 3:
      for (let i = 0; i < n; i += 1) row[i] = ((row[i] ?? 0) + (((i >= bpp ? (row[i - bpp] ?? 0) : 0) + (previous[i] ?? 0)) >> 1)) & 0xff;
      return;
    case 4:
      for (let i = 0; i < n; i += 1) {
        const a = i >= bpp ? (row[i - bpp] ?? 0) : 0;
        const b = previous[i] ?? 0;
        const c = i >= bpp ? (previous[i - bpp] ?? 0) : 0;
        row[i] = ((row[i] ?? 0) + paeth(a, b, c)) & 0xff;
      }
      return;
    default:
      throw new ImportError('corrupt', `"${fileName}" is a broken PNG file: row ${y} uses filter type ${filter}, which does not exist.`);
  }
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  if (pa <= pb && pa <= pc) return a;
  return pb <= pc ? b : c;
}

function readSample(row: Uint8Array, index: number, depth: number): number {
  if (depth === 8) return row[index] ?? 0;
  if (depth === 16) return ((row[index * 2] ?? 0) << 8) | (row[index * 2 + 1] ?? 0);
  const perByte = 8 / depth;
  const byte = row[Math.floor(index / perByte)] ?? 0;
  const shift = 8 - depth * ((index % perByte) + 1);
  return (byte >> shift) & ((1 << depth) - 1);
}

function toLuma(samples: Uint16Array, h: Header, palette: Uint8Array | null): ScalarImage {
  const n = h.width * h.height;
  const values = new Float32Array(n);
  const max = 2 ** h.bitDepth - 1;
  switch (h.colorType) {
    case 0:
      for (let i = 0; i < n; i += 1) values[i] = samples[i] ?? 0;
      break;
    case 4:
      for (let i = 0; i < n; i += 1) values[i] = Math.round(((samples[i * 2] ?? 0) * (samples[i * 2 + 1] ?? 0)) / max);
      break;
    case 2:
    case 6: {
      const channels = h.colorType === 2 ? 3 : 4;
      for (let i = 0; i < n; i += 1) {
        const j = i * channels;
        const luma = 0.299 * (samples[j] ?? 0) + 0.587 * (samples[j + 1] ?? 0) + 0.114 * (samples[j + 2] ?? 0);
        const alpha = channels === 4 ? (samples[j + 3] ?? 0) / max : 1;
        values[i] = Math.round(luma * alpha);
      }
      break;
    }
    case 3: {
      const entries = (palette?.length ?? 0) / 3;
      for (let i = 0; i < n; i += 1) {
        const k = Math.min(samples[i] ?? 0, entries - 1) * 3;
        values[i] = Math.round(0.299 * (palette?.[k] ?? 0) + 0.587 * (palette?.[k + 1] ?? 0) + 0.114 * (palette?.[k + 2] ?? 0));
      }
      break;
    }
  }
  return { width: h.width, height: h.height, values };
}
