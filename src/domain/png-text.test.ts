import { describe, expect, it } from 'vitest';
import { addPngTextChunks, crc32, readPngTextChunks } from './png-text';

/** A valid 1×1 grey PNG (IHDR, IDAT, IEND). */
const ONE_PIXEL_PNG = Uint8Array.from(
  atob('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNgAAAAAgABSK+kcQAAAABJRU5ErkJggg=='),
  (c) => c.charCodeAt(0),
);

describe('crc32', () => {
  it('matches the standard check value', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });

  it('matches the CRC stored in a real IHDR chunk', () => {
    const view = new DataView(ONE_PIXEL_PNG.buffer);
    expect(crc32(ONE_PIXEL_PNG.subarray(12, 29))).toBe(view.getUint32(29));
  });
});

describe('addPngTextChunks', () => {
  it('inserts readable tEXt chunks after IHDR and keeps the rest intact', () => {
    const out = addPngTextChunks(ONE_PIXEL_PNG, { Title: 'SYNTHETIC frontal (T -> F)', Software: 'MedCoDi Studio' });
    expect(readPngTextChunks(out)).toEqual({ Title: 'SYNTHETIC frontal (T -> F)', Software: 'MedCoDi Studio' });
    expect(Array.from(out.subarray(0, 33))).toEqual(Array.from(ONE_PIXEL_PNG.subarray(0, 33)));
    expect(Array.from(out.subarray(out.length - (ONE_PIXEL_PNG.length - 33)))).toEqual(Array.from(ONE_PIXEL_PNG.subarray(33)));
    // Every chunk's CRC is valid.
    const view = new DataView(out.buffer);
    let offset = 8;
    while (offset < out.length) {
      const length = view.getUint32(offset);
      expect(crc32(out.subarray(offset + 4, offset + 8 + length))).toBe(view.getUint32(offset + 8 + length));
      offset += 12 + length;
    }
  });

  it('refuses non-PNG input and non-Latin-1 text', () => {
    expect(() => addPngTextChunks(new Uint8Array([1, 2, 3]), {})).toThrow(/not a PNG/);
    expect(() => addPngTextChunks(ONE_PIXEL_PNG, { Title: 'T → F' })).toThrow(/Latin-1/);
    expect(() => addPngTextChunks(ONE_PIXEL_PNG, { '': 'x' })).toThrow(/keyword/);
  });
});
