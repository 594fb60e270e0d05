/**
 * @file A small deterministic PNG encoder for grey images (8- or 16-bit) with tEXt/iTXt text chunks. Pure, so the
 * same bytes come out in the browser, in the batch CLI and in tests (the CLI's merged shards are compared byte for
 * byte). Rows use the Up filter, which suits smooth X-ray images; zlib comes from fflate at a fixed level.
 */
import { zlibSync } from 'fflate';
import { crc32 } from '../png-text';
import { PNG_SIGNATURE } from './png-decode';

export interface PngTextEntry {
  readonly keyword: string;
  readonly text: string;
  /** iTXt (UTF-8) instead of tEXt (Latin-1); chosen automatically when the text is not Latin-1. */
  readonly international?: boolean;
}

export interface GreyPngInput {
  readonly width: number;
  readonly height: number;
  /** Row-major samples: 0…255 for 8-bit, 0…65535 for 16-bit. */
  readonly samples: ArrayLike<number>;
  readonly bitDepth: 8 | 16;
}

const encoder = new TextEncoder();

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i += 1) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

function isLatin1(text: string): boolean {
  return /^[\x01-\xff]*$/.test(text);
}

function checkKeyword(keyword: string): Uint8Array {
  if (!/^[\x20-\x7e]{1,79}$/.test(keyword) || keyword.startsWith(' ') || keyword.endsWith(' ')) {
    throw new Error(`PNG text keyword must be 1-79 printable ASCII characters without edge spaces: "${keyword}"`);
  }
  return encoder.encode(keyword);
}

/** One tEXt or iTXt chunk. */
export function textChunk(entry: PngTextEntry): Uint8Array {
  const key = checkKeyword(entry.keyword);
  if (!entry.international && isLatin1(entry.text)) {
    const value = Uint8Array.from(entry.text, (c) => c.charCodeAt(0));
    const data = new Uint8Array(key.length + 1 + value.length);
    data.set(key);
    data.set(value, key.length + 1);
    return chunk('tEXt', data);
  }
  const value = encoder.encode(entry.text);
  // keyword NUL, compression flag 0, method 0, empty language NUL, empty translated keyword NUL, text
  const data = new Uint8Array(key.length + 5 + value.length);
  data.set(key);
  data.set(value, key.length + 5);
  return chunk('iTXt', data);
}

/** Encodes a grey image as PNG with the given text chunks placed before the image data. */
export function encodeGreyPng(input: GreyPngInput, text: readonly PngTextEntry[] = []): Uint8Array<ArrayBuffer> {
  const { width, height, samples, bitDepth } = input;
  if (!(width > 0 && height > 0) || samples.length !== width * height) throw new Error(`PNG encode: ${samples.length} samples do not fill ${width}×${height}`);
  const bytesPerSample = bitDepth / 8;
  const stride = width * bytesPerSample;
  const raw = new Uint8Array(height * (stride + 1));
  const row = new Uint8Array(stride);
  const previous = new Uint8Array(stride);
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      const v = Math.max(0, Math.min(bitDepth === 8 ? 255 : 65535, Math.round(samples[y * width + x] ?? 0)));
      if (bitDepth === 8) row[x] = v;
      else {
        row[x * 2] = v >> 8;
        row[x * 2 + 1] = v & 0xff;
      }
    }
    const base = y * (stride + 1);
    raw[base] = 2; // Up filter
    for (let i = 0; i < stride; i += 1) raw[base + 1 + i] = ((row[i] ?? 0) - (previous[i] ?? 0)) & 0xff;
    previous.set(row);
  }
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header[8] = bitDepth;
  header[9] = 0; // grey
  const parts = [
    Uint8Array.from(PNG_SIGNATURE),
    chunk('IHDR', header),
    ...text.map(textChunk),
    chunk('IDAT', zlibSync(raw, { level: 6 })),
    chunk('IEND', new Uint8Array(0)),
  ];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
