/**
 * @file Test-only baseline TIFF writer: one or more IFDs, short/long tags, one uncompressed strip per image.
 * Lets the tests build 8/16/32-bit grey TIFFs in either byte order and break them on purpose.
 */

export interface TiffTag {
  readonly tag: number;
  /** 3 SHORT, 4 LONG, 2 ASCII */
  readonly type: 3 | 4 | 2;
  readonly values: readonly number[] | string;
}

export interface TiffSpec {
  readonly width: number;
  readonly height: number;
  readonly bitsPerSample?: number;
  readonly photometric?: number;
  readonly sampleFormat?: number;
  readonly littleEndian?: boolean;
  /** Raw strip bytes, already in the file's byte order. */
  readonly strip: Uint8Array;
  readonly extraTags?: readonly TiffTag[];
  readonly omitTags?: readonly number[];
}

/** Samples → strip bytes in the given order. */
export function packSamples(samples: ArrayLike<number>, bits: 8 | 16 | 32, littleEndian = true, float = false): Uint8Array {
  const out = new Uint8Array(samples.length * (bits / 8));
  const view = new DataView(out.buffer);
  for (let i = 0; i < samples.length; i += 1) {
    const v = samples[i] ?? 0;
    if (bits === 8) out[i] = v;
    else if (bits === 16) view.setUint16(i * 2, v, littleEndian);
    else if (float) view.setFloat32(i * 4, v, littleEndian);
    else view.setUint32(i * 4, v, littleEndian);
  }
  return out;
}

export function writeTiff(spec: TiffSpec): Uint8Array {
  const little = spec.littleEndian ?? true;
  const bits = spec.bitsPerSample ?? 8;
  const dataOffset = 8;
  const tags: TiffTag[] = [
    { tag: 256, type: 4, values: [spec.width] },
    { tag: 257, type: 4, values: [spec.height] },
    { tag: 258, type: 3, values: [bits] },
    { tag: 259, type: 3, values: [1] },
    { tag: 262, type: 3, values: [spec.photometric ?? 1] },
    { tag: 273, type: 4, values: [dataOffset] },
    { tag: 277, type: 3, values: [1] },
    { tag: 278, type: 4, values: [spec.height] },
    { tag: 279, type: 4, values: [spec.strip.length] },
    ...(spec.sampleFormat ? [{ tag: 339, type: 3 as const, values: [spec.sampleFormat] }] : []),
  ];
  const extra = spec.extraTags ?? [];
  const merged = [...tags.filter((t) => !extra.some((e) => e.tag === t.tag)), ...extra]
    .filter((t) => !(spec.omitTags ?? []).includes(t.tag))
    .sort((a, b) => a.tag - b.tag);
  const stripEnd = dataOffset + spec.strip.length + (spec.strip.length % 2);
  const ifdOffset = stripEnd;
  const ifdSize = 2 + merged.length * 12 + 4;
  // Values longer than 4 bytes go after the IFD.
  let overflow = ifdOffset + ifdSize;
  const overflowParts: { at: number; bytes: Uint8Array }[] = [];
  const total = () => overflow;
  const buf = new Uint8Array(ifdOffset + ifdSize + 4096);
  const view = new DataView(buf.buffer);
  buf.set(little ? [0x49, 0x49, 0x2a, 0] : [0x4d, 0x4d, 0, 0x2a]);
  view.setUint32(4, ifdOffset, little);
  buf.set(spec.strip, dataOffset);
  view.setUint16(ifdOffset, merged.length, little);
  merged.forEach((t, i) => {
    const at = ifdOffset + 2 + i * 12;
    const values = typeof t.values === 'string' ? Array.from(`${t.values}\0`, (c) => c.charCodeAt(0)) : t.values;
    const size = t.type === 3 ? 2 : t.type === 4 ? 4 : 1;
    const bytes = new Uint8Array(values.length * size);
    const bv = new DataView(bytes.buffer);
    values.forEach((v, j) => {
      if (size === 2) bv.setUint16(j * 2, v, little);
      else if (size === 4) bv.setUint32(j * 4, v, little);
      else bytes[j] = v;
    });
    view.setUint16(at, t.tag, little);
    view.setUint16(at + 2, t.type, little);
    view.setUint32(at + 4, values.length, little);
    if (bytes.length <= 4) buf.set(bytes, at + 8);
    else {
      view.setUint32(at + 8, overflow, little);
      overflowParts.push({ at: overflow, bytes });
      overflow += bytes.length + (bytes.length % 2);
    }
  });
  view.setUint32(ifdOffset + 2 + merged.length * 12, 0, little);
  const out = new Uint8Array(total());
  out.set(buf.subarray(0, Math.min(buf.length, out.length)));
  for (const part of overflowParts) out.set(part.bytes, part.at);
  return out;
}
