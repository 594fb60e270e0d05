import { describe, expect, it } from 'vitest';
import { decodeImport, importedToGrey } from './decode-import';
import { decodeTiff } from './decode-tiff';
import { packSamples, writeTiff } from './testing/tiff-writer';
import { UTIF } from './vendor/utif';

describe('TIFF decode', () => {
  it.each([true, false])('reads 16-bit grey (little endian %s) at full depth', async (littleEndian) => {
    const samples = [0, 1000, 4095, 65535];
    const bytes = writeTiff({ width: 2, height: 2, bitsPerSample: 16, littleEndian, strip: packSamples(samples, 16, littleEndian) });
    const tiff = decodeTiff(bytes, 'a.tif');
    expect(Array.from(tiff.image.values)).toEqual(samples);
    const imported = await decodeImport(bytes, 'a.tif');
    expect(imported.header.format).toBe('TIFF 16-bit BlackIsZero, compression none');
    expect(Array.from(importedToGrey(imported).pixels)).toEqual([0, 4, 16, 255]);
  });

  it('inverts WhiteIsZero and reads 8-bit', async () => {
    const bytes = writeTiff({ width: 3, height: 1, photometric: 0, strip: Uint8Array.from([0, 128, 255]) });
    const imported = await decodeImport(bytes, 'w.tif');
    expect(imported.display.invert).toBe(true);
    expect(Array.from(importedToGrey(imported).pixels)).toEqual([255, 127, 0]);
  });

  it('reads 32-bit float grey', () => {
    const bytes = writeTiff({ width: 2, height: 1, bitsPerSample: 32, sampleFormat: 3, strip: packSamples([0.25, -3.5], 32, true, true) });
    expect(Array.from(decodeTiff(bytes, 'f.tif').image.values)).toEqual([0.25, -3.5]);
  });

  it('reads an RGBA TIFF written by UTIF itself as luma, and notes extra pages', () => {
    const rgba = Uint8Array.from([255, 0, 0, 255, 10, 10, 10, 255]);
    const bytes = new Uint8Array(UTIF.encodeImage(rgba, 2, 1));
    expect(Array.from(decodeTiff(bytes, 'rgba.tif').image.values)).toEqual([76, 10]);
  });
});
