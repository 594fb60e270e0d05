/**
 * @file Test-only PNG writer: any colour type and bit depth, optional Adam7 interlace, any filter per row, and
 * raw chunk assembly, so tests cover every decoder path and can corrupt each chunk.
 */
import { zlibSync } from 'fflate';
import { crc32 } from '../../png-text';
import { ADAM7, CHANNELS_BY_COLOR_TYPE, PNG_SIGNATURE } from '../png-decode';

export function pngChunk(type: string, data: Uint8Array, badCrc = false): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i += 1) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, (crc32(out.subarray(4, 8 + data.length)) ^ (badCrc ? 1 : 0)) >>> 0);
  return out;
}

export function ihdr(width: number, height: number, bitDepth: number, colorType: number, interlace = 0): Uint8Array {
  const data = new Uint8Array(13);
  const view = new DataView(data.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  data.set([bitDepth, colorType, 0, 0, interlace], 8);
  return data;
}

export function assemblePng(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(8 + chunks.reduce((n, c) => n + c.length, 0));
  out.set(PNG_SIGNATURE);
  let offset = 8;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}

function packRow(samples: readonly number[], bitDepth: number): number[] {
  const bytes: number[] = [];
  if (bitDepth === 16) for (const s of samples) bytes.push(s >> 8, s & 0xff);
  else if (bitDepth === 8) bytes.push(...samples);
  else {
    let acc = 0;
    let bits = 0;
    for (const s of samples) {
      acc = (acc << bitDepth) | s;
      bits += bitDepth;
      if (bits === 8) {
        bytes.push(acc);
        acc = 0;
        bits = 0;
      }
    }
    if (bits > 0) bytes.push(acc << (8 - bits));
  }
  return bytes;
}

export interface PngSpec {
  readonly width: number;
  readonly height: number;
  readonly bitDepth: number;
  readonly colorType: number;
  /** width × height × channels samples, row-major, channel-interleaved. */
  readonly samples: readonly number[];
  readonly interlace?: boolean;
  /** Filter type for every row (0–4; the writer applies Sub/Up/Average/Paeth for real). */
  readonly filter?: number;
  readonly palette?: readonly number[];
}

function applyFilter(filter: number, row: number[], prev: number[], bpp: number): number[] {
  return row.map((x, i) => {
    const a = i >= bpp ? (row[i - bpp] ?? 0) : 0;
    const b = prev[i] ?? 0;
    const c = i >= bpp ? (prev[i - bpp] ?? 0) : 0;
    let predictor = 0;
    if (filter === 1) predictor = a;
    else if (filter === 2) predictor = b;
    else if (filter === 3) predictor = (a + b) >> 1;
    else if (filter === 4) {
      const p = a + b - c;
      const pa = Math.abs(p - a);
      const pb = Math.abs(p - b);
      const pc = Math.abs(p - c);
      predictor = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
    return (x - predictor) & 0xff;
  });
}

/** The filtered, uncompressed scanlines of an image (what goes through zlib into IDAT). */
export function scanlines(spec: PngSpec): Uint8Array {
  const channels = CHANNELS_BY_COLOR_TYPE[spec.colorType] ?? 1;
  const bpp = Math.max(1, Math.ceil((channels * spec.bitDepth) / 8));
  const passes = spec.interlace ? ADAM7 : ([[0, 0, 1, 1]] as const);
  const out: number[] = [];
  for (const [x0, y0, dx, dy] of passes) {
    const w = Math.ceil((spec.width - x0) / dx);
    const h = Math.ceil((spec.height - y0) / dy);
    if (w <= 0 || h <= 0) continue;
    let prev: number[] = [];
    for (let y = 0; y < h; y += 1) {
      const samples: number[] = [];
      for (let x = 0; x < w; x += 1) {
        const index = ((y0 + y * dy) * spec.width + (x0 + x * dx)) * channels;
        for (let c = 0; c < channels; c += 1) samples.push(spec.samples[index + c] ?? 0);
      }
      const row = packRow(samples, spec.bitDepth);
      const filter = spec.filter ?? 0;
      out.push(filter, ...applyFilter(filter, row, prev, bpp));
      prev = row;
    }
  }
  return Uint8Array.from(out);
}

export function writePng(spec: PngSpec): Uint8Array {
  const chunks = [pngChunk('IHDR', ihdr(spec.width, spec.height, spec.bitDepth, spec.colorType, spec.interlace ? 1 : 0))];
  if (spec.palette) chunks.push(pngChunk('PLTE', Uint8Array.from(spec.palette)));
  chunks.push(pngChunk('IDAT', zlibSync(scanlines(spec))), pngChunk('IEND', new Uint8Array(0)));
  return assemblePng(chunks);
}
