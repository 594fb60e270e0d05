import { deflateSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { decodeImport, importedToGrey } from './decode-import';
import { decodeDicom, inflateRestForTest, MAX_INFLATED_DICOM_BYTES } from './decode-dicom';
import { headerRows } from './header-summary';
import { ImportError } from './import-error';
import { imageElements, writeDicom } from './testing/dicom-writer';
import type { DicomElement, Syntax } from './testing/dicom-writer';

const WINDOW_2048: DicomElement[] = [
  { tag: 0x00281050, vr: 'DS', value: '2048' },
  { tag: 0x00281051, vr: 'DS', value: '4096' },
];

function grey(cells: number[], extra: DicomElement[] = [], spec: Partial<Parameters<typeof imageElements>[0]> = {}, syntax: Syntax = 'explicit-le', preamble = true) {
  const bytes = writeDicom(imageElements({ rows: 1, columns: cells.length, bitsStored: 12, cells, extra, ...spec }), { syntax, preamble });
  const decoded = decodeDicom(bytes, 'test.dcm');
  return { decoded, display: Array.from(importedToGrey({ ...decoded, fileName: 'test.dcm', format: 'dicom', suggestedModality: null }).pixels), values: Array.from(decoded.image.values) };
}

describe('decodeDicom: pixel layouts', () => {
  it('reads 12-in-16-bit MONOCHROME2 through the file window (golden)', () => {
    const { values, display, decoded } = grey([0, 1024, 2048, 3072, 4095], WINDOW_2048);
    expect(values).toEqual([0, 1024, 2048, 3072, 4095]);
    expect(display).toEqual([0, 64, 128, 191, 255]);
    expect(decoded.display.invert).toBe(false);
    expect(decoded.header.window).toBe('C 2048 W 4096 (LINEAR, from the file)');
  });

  it('masks bits above BitsStored', () => {
    expect(grey([0xf000, 0xf400, 0xa800, 0x0fff]).values).toEqual([0, 1024, 2048, 4095]);
  });

  it('shifts when HighBit is not BitsStored − 1', () => {
    const cells = [0, 1024, 4095].map((v) => v << 4);
    expect(grey(cells, [], { highBit: 15 }).values).toEqual([0, 1024, 4095]);
  });

  it('sign-extends PixelRepresentation 1 at BitsStored', () => {
    expect(grey([0x0fff, 0x0800, 0xf800, 0x07ff, 0], [], { signed: true }).values).toEqual([-1, -2048, -2048, 2047, 0]);
  });

  it('inverts MONOCHROME1 (lowest value white)', () => {
    const { display, decoded } = grey([0, 2048, 4095], WINDOW_2048, { photometric: 'MONOCHROME1' });
    expect(decoded.display.invert).toBe(true);
    expect(display).toEqual([255, 127, 0]);
  });

  it('applies rescale slope and intercept before the window', () => {
    const { values, decoded } = grey([0, 100, 1000], [
      { tag: 0x00281053, vr: 'DS', value: '2' },
      { tag: 0x00281052, vr: 'DS', value: '-1024' },
      { tag: 0x00281054, vr: 'LO', value: 'US' },
    ]);
    expect(values).toEqual([-1024, -824, 976]);
    expect(decoded.header.rescale).toEqual({ slope: 2, intercept: -1024, type: 'US' });
  });

  it('uses the VOI LUT Sequence over the window tags', () => {
    const lut: DicomElement = {
      tag: 0x00283010,
      vr: 'SQ',
      value: [
        [
          { tag: 0x00283002, vr: 'US', value: [4, 10, 8] },
          { tag: 0x00283003, vr: 'LO', value: 'TEST LUT' },
          { tag: 0x00283006, vr: 'OW', value: Uint16Array.from([0, 100, 200, 255]) },
        ],
      ],
    };
    const { display, decoded } = grey([0, 10, 11, 12, 13, 99], [lut, ...WINDOW_2048]);
    expect(display).toEqual([0, 0, 100, 200, 255, 255]);
    expect(decoded.display.voi.kind).toBe('lut');
  });

  it('applies a Modality LUT Sequence instead of rescale', () => {
    const lut: DicomElement = { tag: 0x00283000, vr: 'SQ', value: [[{ tag: 0x00283002, vr: 'US', value: [3, 1, 16] }, { tag: 0x00283006, vr: 'OW', value: Uint16Array.from([500, 600, 700]) }]] };
    expect(grey([0, 1, 2, 3, 9], [lut]).values).toEqual([500, 500, 600, 700, 700]);
  });

  it('honours VOILUTFunction SIGMOID and takes the first of several windows', () => {
    const { decoded } = grey([0, 100, 200], [
      { tag: 0x00281050, vr: 'DS', value: '100\\50' },
      { tag: 0x00281051, vr: 'DS', value: '50\\10' },
      { tag: 0x00281056, vr: 'CS', value: 'SIGMOID' },
    ]);
    expect(decoded.display.voi).toMatchObject({ kind: 'window', center: 100, width: 50, fn: 'SIGMOID' });
  });

  it('falls back to the full range without a window, and on an invalid one with a warning', () => {
    expect(grey([100, 600, 1100]).display).toEqual([0, 128, 255]);
    const bad = grey([100, 600, 1100], [
      { tag: 0x00281050, vr: 'DS', value: '100' },
      { tag: 0x00281051, vr: 'DS', value: '0' },
    ]);
    expect(bad.display).toEqual([0, 128, 255]);
    expect(bad.decoded.warnings.join(' ')).toMatch(/window .* is not valid/);
  });

  it('reads 8-bit pixels', () => {
    expect(grey([0, 128, 255], [], { bitsAllocated: 8, bitsStored: 8 }).values).toEqual([0, 128, 255]);
  });

  it.each<[Syntax, boolean]>([
    ['implicit-le', true],
    ['explicit-be', true],
    ['deflated', true],
    ['implicit-le', false],
  ])('reads %s (preamble %s) to the same pixels', (syntax, preamble) => {
    expect(grey([0, 1024, 2048, 4095], WINDOW_2048, {}, syntax, preamble).display).toEqual([0, 64, 128, 255]);
  });

  it('refuses a deflated dataset that inflates past the limit before holding it all, naming the file', () => {
    const bomb = deflateSync(new Uint8Array(4 * 2 ** 20)); // 4 MiB of zeros in a few KiB
    const header = new Uint8Array([1, 2, 3]);
    const file = new Uint8Array(header.length + bomb.length);
    file.set(header);
    file.set(bomb, header.length);
    expect(() => inflateRestForTest(file, header.length, 'bomb.dcm', 2 ** 20)).toThrow(
      expect.objectContaining({ problem: 'too-large', message: '"bomb.dcm" inflates to more than 1 MiB, more than any chest radiograph; it was not read.' }),
    );
    // within the limit: the header kept, the rest inflated
    const ok = inflateRestForTest(file, header.length, 'ok.dcm', 8 * 2 ** 20);
    expect(ok.length).toBe(3 + 4 * 2 ** 20);
    expect(Array.from(ok.subarray(0, 4))).toEqual([1, 2, 3, 0]);
    expect(MAX_INFLATED_DICOM_BYTES).toBe(256 * 2 ** 20);
  });

  it('reads the first frame of a multi-frame file and says so', () => {
    const bytes = writeDicom(imageElements({ rows: 1, columns: 2, cells: [1, 2, 3, 4], extra: [{ tag: 0x00280008, vr: 'IS', value: '2' }] }));
    const decoded = decodeDicom(bytes, 'mf.dcm');
    expect(Array.from(decoded.image.values)).toEqual([1, 2]);
    expect(decoded.warnings.join(' ')).toMatch(/2 frames/);
  });

  it('reads RGB as luma', () => {
    const bytes = writeDicom(imageElements({ rows: 1, columns: 2, bitsAllocated: 8, samplesPerPixel: 3, photometric: 'RGB', cells: [255, 0, 0, 10, 10, 10] }));
    expect(Array.from(decodeDicom(bytes, 'rgb.dcm').image.values)).toEqual([76, 10]);
  });
});

describe('decodeDicom: header summary', () => {
  it('lists the tags that matter, suggests the view and never shows patient identity', async () => {
    const bytes = writeDicom(
      imageElements({
        rows: 2,
        columns: 3,
        bitsStored: 12,
        cells: [0, 1, 2, 3, 4, 5],
        extra: [
          { tag: 0x00185101, vr: 'CS', value: 'LL' },
          { tag: 0x00180015, vr: 'CS', value: 'CHEST' },
          { tag: 0x00181164, vr: 'DS', value: '0.139\\0.139' },
          ...WINDOW_2048,
        ],
      }),
    );
    const imported = await decodeImport(bytes, 'lat.dcm');
    expect(imported.suggestedModality).toBe('lateral');
    expect(imported.header).toMatchObject({
      format: 'DICOM',
      width: 3,
      height: 2,
      modality: 'DX',
      viewPosition: 'LL',
      bodyPart: 'CHEST',
      photometric: 'MONOCHROME2',
      bitsAllocated: 16,
      bitsStored: 12,
      highBit: 11,
      signed: false,
      pixelSpacing: { row: 0.139, column: 0.139, source: 'ImagerPixelSpacing' },
      transferSyntax: 'Explicit VR Little Endian',
      sopClass: 'Digital X-Ray Image Storage – For Presentation',
      hasPatientIdentity: true,
    });
    const text = JSON.stringify(headerRows(imported.header));
    expect(text).toContain('0.139 × 0.139 mm (ImagerPixelSpacing)');
    expect(text).not.toMatch(/DOE|MRN-0001/);
  });
});

describe('decodeDicom: compressed transfer syntaxes', () => {
  it.each([
    ['1.2.840.10008.1.2.4.90', 'JPEG 2000 Lossless'],
    ['1.2.840.10008.1.2.4.70', 'JPEG Lossless SV1 (Process 14, first-order prediction)'],
    ['1.2.840.10008.1.2.4.80', 'JPEG-LS Lossless'],
    ['1.2.840.10008.1.2.5', 'RLE Lossless'],
  ])('names %s in the message', (uid, name) => {
    const bytes = writeDicom(imageElements({ rows: 1, columns: 1, cells: [0] }), { syntax: uid });
    let error: unknown;
    try {
      decodeDicom(bytes, 'c.dcm');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ImportError);
    expect((error as ImportError).problem).toBe('compressed');
    expect((error as ImportError).message).toBe(`This DICOM uses ${name} (${uid}) compression, which the studio cannot decode yet. Export it as uncompressed DICOM or PNG.`);
  });
});
