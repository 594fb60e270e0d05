import { describe, expect, it } from 'vitest';
import { decodeImport, importedToGrey } from './decode-import';
import { decodePng } from './png-decode';
import { encodeGreyPng } from './png-encode';
import { writePng } from './testing/png-writer';

const ramp = (n: number, max: number) => Array.from({ length: n }, (_, i) => Math.round((i * max) / (n - 1)));

describe('PNG decode', () => {
  it('keeps all 16 bits of a 16-bit grey PNG and opens it on its value range', async () => {
    const samples = [0, 1000, 4095, 65535, 30000, 12];
    const png = encodeGreyPng({ width: 3, height: 2, samples, bitDepth: 16 });
    const decoded = decodePng(png, 'deep.png');
    expect(Array.from(decoded.image.values)).toEqual(samples);
    const imported = await decodeImport(png, 'deep.png');
    expect(imported.header.format).toBe('PNG 16-bit grey');
    expect(Array.from(importedToGrey(imported).pixels)).toEqual([0, 4, 16, 255, 117, 0]);
  });

  it.each([0, 1, 2, 3, 4])('undoes filter type %i', (filter) => {
    const samples = ramp(24, 255).map((v, i) => (v * 7 + i * 13) % 256);
    const decoded = decodePng(writePng({ width: 6, height: 4, bitDepth: 8, colorType: 0, samples, filter }), 'f.png');
    expect(Array.from(decoded.image.values)).toEqual(samples);
  });

  it.each([1, 2, 4, 8, 16])('reads %i-bit grey, interlaced and not', (bitDepth) => {
    const max = 2 ** bitDepth - 1;
    const samples = Array.from({ length: 11 * 9 }, (_, i) => (i * 37) % (max + 1));
    for (const interlace of [false, true]) {
      const decoded = decodePng(writePng({ width: 11, height: 9, bitDepth, colorType: 0, samples, interlace, filter: 4 }), 'g.png');
      expect(Array.from(decoded.image.values)).toEqual(samples);
      expect(decoded.maxValue).toBe(max);
    }
  });

  it('reduces RGB, RGBA, grey+alpha and palette to luma', () => {
    const rgb = decodePng(writePng({ width: 2, height: 1, bitDepth: 8, colorType: 2, samples: [255, 0, 0, 10, 10, 10] }), 'c.png');
    expect(Array.from(rgb.image.values)).toEqual([76, 10]);
    const rgba = decodePng(writePng({ width: 2, height: 1, bitDepth: 8, colorType: 6, samples: [200, 200, 200, 255, 200, 200, 200, 0] }), 'c.png');
    expect(Array.from(rgba.image.values)).toEqual([200, 0]);
    const greyAlpha = decodePng(writePng({ width: 1, height: 1, bitDepth: 16, colorType: 4, samples: [65535, 32768] }), 'c.png');
    expect(Array.from(greyAlpha.image.values)).toEqual([32768]);
    const palette = decodePng(writePng({ width: 3, height: 1, bitDepth: 2, colorType: 3, samples: [0, 1, 2], palette: [0, 0, 0, 255, 255, 255, 0, 0, 255] }), 'p.png');
    expect(Array.from(palette.image.values)).toEqual([0, 255, 29]);
  });

  it('reads back tEXt and iTXt provenance', () => {
    const png = encodeGreyPng({ width: 1, height: 1, samples: [1], bitDepth: 8 }, [
      { keyword: 'Software', text: 'MedCoDi Studio' },
      { keyword: 'Prompt', text: 'Épanchement pleural — 5 mm', international: true },
    ]);
    expect(decodePng(png, 'x.png').text).toEqual({ Software: 'MedCoDi Studio', Prompt: 'Épanchement pleural — 5 mm' });
  });
});
