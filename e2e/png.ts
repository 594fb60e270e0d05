/** Tiny PNG encoder for test fixtures (8-bit greyscale, no filtering); CRC and tEXt reading come from the app. */
import { deflateSync } from 'node:zlib';
import { crc32, readPngTextChunks } from '../src/domain/png-text';

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A width×height grey PNG whose pixel (x, y) is f(x, y). */
export function greyPng(width: number, height: number, f: (x: number, y: number) => number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  const raw = Buffer.alloc((width + 1) * height);
  for (let y = 0; y < height; y += 1) {
    raw[y * (width + 1)] = 0;
    for (let x = 0; x < width; x += 1) raw[y * (width + 1) + 1 + x] = Math.max(0, Math.min(255, Math.round(f(x, y))));
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A chest-like test pattern: dark lungs, bright mediastinum and spine. */
export function phantomPng(size = 64): Buffer {
  return greyPng(size, size, (x, y) => {
    const cx = size / 2;
    const lung = Math.hypot((Math.abs(x - cx) - size * 0.2) / (size * 0.16), (y - size * 0.5) / (size * 0.3)) < 1;
    const spine = Math.abs(x - cx) < size * 0.05;
    return spine ? 220 : lung ? 40 + y : 150;
  });
}

/** Reads tEXt chunks of a PNG. */
export function pngText(png: Buffer): Record<string, string> {
  return readPngTextChunks(new Uint8Array(png.buffer, png.byteOffset, png.byteLength));
}
