import { describe, expect, it } from 'vitest';
import { DicomError, decodeDicom, isDicom } from './dicom';

type Element = { group: number; element: number; vr: string; value: Uint8Array };

const ascii = (text: string) => {
  const padded = text.length % 2 === 1 ? `${text} ` : text; // DICOM values have even length
  return Uint8Array.from(padded, (c) => c.charCodeAt(0));
};
const us = (n: number) => Uint8Array.of(n & 0xff, n >> 8);
const u16s = (values: readonly number[]) => {
  const out = new Uint8Array(values.length * 2);
  values.forEach((v, i) => {
    out[2 * i] = v & 0xff;
    out[2 * i + 1] = (v >> 8) & 0xff;
  });
  return out;
};

function encode(elements: readonly Element[], explicit: boolean): number[] {
  const out: number[] = [];
  const push16 = (n: number) => out.push(n & 0xff, (n >> 8) & 0xff);
  const push32 = (n: number) => out.push(n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, (n >>> 24) & 0xff);
  for (const el of elements) {
    push16(el.group);
    push16(el.element);
    if (explicit) {
      out.push(el.vr.charCodeAt(0), el.vr.charCodeAt(1));
      if (['OB', 'OW', 'SQ', 'UN', 'UT'].includes(el.vr)) {
        push16(0);
        push32(el.value.length);
      } else push16(el.value.length);
    } else push32(el.value.length);
    out.push(...el.value);
  }
  return out;
}

/** A Part 10 file: preamble, DICM, meta group (explicit LE), then the dataset in the given syntax. */
function dicomFile(dataset: readonly Element[], syntax = '1.2.840.10008.1.2.1'): Uint8Array {
  // UIDs are padded to even length with a NUL.
  const uid = syntax.length % 2 === 1 ? `${syntax}\0` : syntax;
  const meta = encode([{ group: 0x0002, element: 0x0010, vr: 'UI', value: ascii(uid) }], true);
  const body = encode(dataset, syntax === '1.2.840.10008.1.2.1');
  return Uint8Array.from([...new Array<number>(128).fill(0), 0x44, 0x49, 0x43, 0x4d, ...meta, ...body]);
}

const image16 = (extra: Element[], pixels: number[], pixelRepresentation = 0): Element[] => [
  { group: 0x0008, element: 0x0060, vr: 'CS', value: ascii('DX') },
  { group: 0x0028, element: 0x0002, vr: 'US', value: us(1) },
  { group: 0x0028, element: 0x0010, vr: 'US', value: us(1) },
  { group: 0x0028, element: 0x0011, vr: 'US', value: us(pixels.length) },
  { group: 0x0028, element: 0x0100, vr: 'US', value: us(16) },
  { group: 0x0028, element: 0x0101, vr: 'US', value: us(12) },
  { group: 0x0028, element: 0x0103, vr: 'US', value: us(pixelRepresentation) },
  ...extra,
  { group: 0x7fe0, element: 0x0010, vr: 'OW', value: u16s(pixels) },
];

describe('decodeDicom', () => {
  it('applies the VOI window (PS3.3 C.11.2.1.2) to 12-bit MONOCHROME2 pixels', () => {
    // Window centre 2048, width 4096: c = 2047.5, w = 4095; x = 0 → 0, x = 4095 → 255, x = 2048 → 127.53 → 128.
    const file = dicomFile(
      image16(
        [
          { group: 0x0028, element: 0x0004, vr: 'CS', value: ascii('MONOCHROME2') },
          { group: 0x0028, element: 0x1050, vr: 'DS', value: ascii('2048') },
          { group: 0x0028, element: 0x1051, vr: 'DS', value: ascii('4096') },
        ],
        [0, 2048, 4095, 0xf000 | 4095],
      ),
    );
    expect(isDicom(file)).toBe(true);
    const image = decodeDicom(file);
    expect([image.width, image.height]).toEqual([4, 1]);
    // The last pixel has overlay bits above BitsStored; masking keeps 4095.
    expect(Array.from(image.pixels)).toEqual([0, 128, 255, 255]);
  });

  it('inverts MONOCHROME1 and stretches min–max without a window (implicit VR)', () => {
    const file = dicomFile(image16([{ group: 0x0028, element: 0x0004, vr: 'CS', value: ascii('MONOCHROME1') }], [100, 200, 300]), '1.2.840.10008.1.2');
    expect(Array.from(decodeDicom(file).pixels)).toEqual([255, 128, 0]);
  });

  it('applies rescale slope and intercept and signed pixels', () => {
    const file = dicomFile(
      image16(
        [
          { group: 0x0028, element: 0x1052, vr: 'DS', value: ascii('-1024') },
          { group: 0x0028, element: 0x1053, vr: 'DS', value: ascii('1') },
        ],
        [0, 0xfff], // 12-bit signed: 0xfff = −1, so values −1024 and −1025 (min–max: 255 and 0)
        1,
      ),
    );
    expect(Array.from(decodeDicom(file).pixels)).toEqual([255, 0]);
  });

  it('refuses compressed syntaxes, colour, truncation and non-DICOM with a sentence', () => {
    expect(() => decodeDicom(dicomFile(image16([], [1, 2]), '1.2.840.10008.1.2.4.90'))).toThrow(/transfer syntax 1\.2\.840\.10008\.1\.2\.4\.90.*uncompressed/);
    const colour = image16([], [1, 2]).map((el) => (el.element === 0x0002 && el.group === 0x0028 ? { ...el, value: us(3) } : el));
    expect(() => decodeDicom(dicomFile(colour))).toThrow(/colour/);
    const full = dicomFile(image16([], [1, 2, 3, 4]));
    expect(() => decodeDicom(full.slice(0, full.length - 3))).toThrow(DicomError);
    expect(() => decodeDicom(new Uint8Array(200))).toThrow(/not a DICOM/);
  });
});
