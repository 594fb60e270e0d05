/**
 * @file Test-only DICOM Part 10 writer with full control over the bytes (transfer syntax, preamble, lengths), so
 * the tests can build valid files of every pixel layout and then break them on purpose. Not used by the app.
 */
import { deflateSync } from 'fflate';

export type Syntax = 'explicit-le' | 'implicit-le' | 'explicit-be' | 'deflated' | string;

export type DicomValue = string | readonly number[] | Uint8Array | Uint16Array | readonly (readonly DicomElement[])[];

export interface DicomElement {
  /** 0xGGGGEEEE */
  readonly tag: number;
  readonly vr: string;
  readonly value: DicomValue;
}

export const SYNTAX_UIDS: Readonly<Record<string, string>> = {
  'explicit-le': '1.2.840.10008.1.2.1',
  'implicit-le': '1.2.840.10008.1.2',
  'explicit-be': '1.2.840.10008.1.2.2',
  deflated: '1.2.840.10008.1.2.1.99',
};

const LONG_VRS = new Set(['OB', 'OW', 'OF', 'SQ', 'UT', 'UN', 'OD', 'OL', 'UC', 'UR']);

class Writer {
  private bytes: number[] = [];
  constructor(private readonly little: boolean) {}
  u8(v: number) {
    this.bytes.push(v & 0xff);
  }
  u16(v: number) {
    if (this.little) this.bytes.push(v & 0xff, (v >> 8) & 0xff);
    else this.bytes.push((v >> 8) & 0xff, v & 0xff);
  }
  u32(v: number) {
    if (this.little) this.bytes.push(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff);
    else this.bytes.push((v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
  }
  raw(data: ArrayLike<number>) {
    for (let i = 0; i < data.length; i += 1) this.bytes.push(data[i] ?? 0);
  }
  get length() {
    return this.bytes.length;
  }
  toBytes() {
    return Uint8Array.from(this.bytes);
  }
}

function encodeValue(el: DicomElement, little: boolean, explicit: boolean): Uint8Array {
  const { vr, value } = el;
  if (vr === 'SQ') {
    const w = new Writer(little);
    for (const item of value as readonly (readonly DicomElement[])[]) {
      const body = encodeElements(item, little, explicit);
      w.u16(0xfffe);
      w.u16(0xe000);
      w.u32(body.length);
      w.raw(body);
    }
    return w.toBytes();
  }
  if (typeof value === 'string') {
    const pad = vr === 'UI' || vr === 'OB' ? 0 : 0x20;
    const chars = Array.from(value, (c) => c.charCodeAt(0) & 0xff);
    if (chars.length % 2) chars.push(pad);
    return Uint8Array.from(chars);
  }
  if (value instanceof Uint8Array) {
    const out = value.length % 2 ? Uint8Array.from([...value, 0]) : value;
    return out;
  }
  const w = new Writer(little);
  const numbers = value as ArrayLike<number>;
  for (let i = 0; i < numbers.length; i += 1) {
    const v = numbers[i] ?? 0;
    if (vr === 'US' || vr === 'SS' || vr === 'OW') w.u16(v & 0xffff);
    else if (vr === 'UL' || vr === 'SL') w.u32(v >>> 0);
    else if (vr === 'OB') w.u8(v);
    else throw new Error(`numbers for VR ${vr}`);
  }
  return w.toBytes();
}

export function encodeElements(elements: readonly DicomElement[], little: boolean, explicit: boolean): Uint8Array {
  const w = new Writer(little);
  for (const el of [...elements].sort((a, b) => a.tag - b.tag)) {
    const data = encodeValue(el, little, explicit);
    w.u16(el.tag >>> 16);
    w.u16(el.tag & 0xffff);
    if (explicit) {
      w.raw([el.vr.charCodeAt(0), el.vr.charCodeAt(1)]);
      if (LONG_VRS.has(el.vr)) {
        w.u16(0);
        w.u32(data.length);
      } else w.u16(data.length);
    } else w.u32(data.length);
    w.raw(data);
  }
  return w.toBytes();
}

export interface WriteOptions {
  readonly syntax?: Syntax;
  readonly preamble?: boolean;
  readonly sopClassUid?: string;
}

/** A Part 10 file: preamble, DICM, explicit-LE meta group, dataset in the chosen syntax (or a bare dataset). */
export function writeDicom(elements: readonly DicomElement[], options: WriteOptions = {}): Uint8Array {
  const syntax = options.syntax ?? 'explicit-le';
  const syntaxUid = SYNTAX_UIDS[syntax] ?? syntax;
  const little = syntax !== 'explicit-be';
  const explicit = syntax !== 'implicit-le';
  const metaBody = encodeElements(
    [
      { tag: 0x00020001, vr: 'OB', value: Uint8Array.from([0, 1]) },
      { tag: 0x00020002, vr: 'UI', value: options.sopClassUid ?? '1.2.840.10008.5.1.4.1.1.1.1' },
      { tag: 0x00020003, vr: 'UI', value: '2.25.1234567' },
      { tag: 0x00020010, vr: 'UI', value: syntaxUid },
      { tag: 0x00020012, vr: 'UI', value: '2.25.7654321' },
    ],
    true,
    true,
  );
  const groupLength = encodeElements([{ tag: 0x00020000, vr: 'UL', value: [metaBody.length] }], true, true);
  let body = encodeElements(elements, little, explicit);
  if (syntax === 'deflated') body = deflateSync(body);
  // Without a preamble there is no meta group either: a bare dataset, as some old archives store them.
  if (options.preamble === false) return body;
  const out = new Uint8Array(132 + groupLength.length + metaBody.length + body.length);
  out.set([0x44, 0x49, 0x43, 0x4d], 128);
  const offset = 132;
  out.set(groupLength, offset);
  out.set(metaBody, offset + groupLength.length);
  out.set(body, offset + groupLength.length + metaBody.length);
  return out;
}

export interface ImageSpec {
  readonly rows: number;
  readonly columns: number;
  readonly bitsAllocated?: number;
  readonly bitsStored?: number;
  readonly highBit?: number;
  readonly signed?: boolean;
  readonly photometric?: string;
  /** Stored cell values (already shifted to HighBit, as they go in the file). */
  readonly cells: ArrayLike<number>;
  readonly extra?: readonly DicomElement[];
  readonly samplesPerPixel?: number;
}

/** Elements of a grey image dataset with the given pixel cells. */
export function imageElements(spec: ImageSpec): DicomElement[] {
  const bitsAllocated = spec.bitsAllocated ?? 16;
  const bitsStored = spec.bitsStored ?? bitsAllocated;
  const pixels =
    bitsAllocated === 8
      ? { tag: 0x7fe00010, vr: 'OB', value: Uint8Array.from(spec.cells) }
      : { tag: 0x7fe00010, vr: 'OW', value: Uint16Array.from(spec.cells, (v) => v & 0xffff) };
  const base: DicomElement[] = [
    { tag: 0x00080016, vr: 'UI', value: '1.2.840.10008.5.1.4.1.1.1.1' },
    { tag: 0x00080018, vr: 'UI', value: '2.25.1234567' },
    { tag: 0x00080060, vr: 'CS', value: 'DX' },
    { tag: 0x00100010, vr: 'PN', value: 'DOE^JANE' },
    { tag: 0x00100020, vr: 'LO', value: 'MRN-0001' },
    { tag: 0x00280002, vr: 'US', value: [spec.samplesPerPixel ?? 1] },
    { tag: 0x00280004, vr: 'CS', value: spec.photometric ?? 'MONOCHROME2' },
    { tag: 0x00280010, vr: 'US', value: [spec.rows] },
    { tag: 0x00280011, vr: 'US', value: [spec.columns] },
    { tag: 0x00280100, vr: 'US', value: [bitsAllocated] },
    { tag: 0x00280101, vr: 'US', value: [bitsStored] },
    { tag: 0x00280102, vr: 'US', value: [spec.highBit ?? bitsStored - 1] },
    { tag: 0x00280103, vr: 'US', value: [spec.signed ? 1 : 0] },
    pixels,
  ];
  const extraTags = new Set((spec.extra ?? []).map((e) => e.tag));
  return [...base.filter((e) => !extraTags.has(e.tag)), ...(spec.extra ?? [])];
}
