/**
 * @file A generated corpus of broken (and hostile) DICOM, TIFF and PNG files for the importer tests: cut short,
 * wrong magic, lying lengths, zero or huge dimensions, impossible bit layouts, compressed syntaxes, loops and
 * garbage. Each entry says which ImportError problem it must give ('decodes' = garbage that is still a valid image).
 * Deterministic (seeded), so a failure names the same file every run.
 */
import { zlibSync } from 'fflate';
import type { ImportProblem } from '../import-error';
import { imageElements, writeDicom } from './dicom-writer';
import type { DicomElement } from './dicom-writer';
import { assemblePng, ihdr, pngChunk, scanlines, writePng } from './png-writer';
import { packSamples, writeTiff } from './tiff-writer';

export interface CorpusEntry {
  readonly name: string;
  readonly bytes: Uint8Array;
  readonly expect: ImportProblem | 'decodes';
}

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomBytes(n: number, seed: number): Uint8Array {
  const r = prng(seed);
  return Uint8Array.from({ length: n }, () => Math.floor(r() * 256));
}

function find(bytes: Uint8Array, pattern: readonly number[], from = 0): number {
  outer: for (let i = from; i <= bytes.length - pattern.length; i += 1) {
    for (let j = 0; j < pattern.length; j += 1) if (bytes[i + j] !== pattern[j]) continue outer;
    return i;
  }
  return -1;
}

function patched(bytes: Uint8Array, at: number, values: readonly number[]): Uint8Array {
  const out = bytes.slice();
  out.set(values, at);
  return out;
}

const u16le = (v: number) => [v & 0xff, (v >> 8) & 0xff];
const u32le = (v: number) => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];

function dicomCorpus(): CorpusEntry[] {
  const cells = Array.from({ length: 16 * 16 }, (_, i) => (i * 17) % 4096);
  const base = (extra: DicomElement[] = [], spec: Partial<Parameters<typeof imageElements>[0]> = {}) =>
    writeDicom(imageElements({ rows: 16, columns: 16, bitsStored: 12, cells, extra, ...spec }));
  const good = base();
  const pixelTag = find(good, [0xe0, 0x7f, 0x10, 0x00]);
  const rowsTag = find(good, [0x28, 0x00, 0x10, 0x00]);
  const out: CorpusEntry[] = [];
  const add = (name: string, bytes: Uint8Array, expect: CorpusEntry['expect']) => out.push({ name: `dicom/${name}.dcm`, bytes, expect });

  for (const fraction of [0.02, 0.5, 0.75, 0.9, 0.99]) add(`truncated-${fraction}`, good.subarray(0, Math.floor(good.length * fraction)), 'truncated');
  add('preamble-only', good.subarray(0, 132), 'truncated');
  add('cut-inside-meta', good.subarray(0, 150), 'truncated');
  add('wrong-magic', patched(good, 128, [0x44, 0x49, 0x43, 0x58]), 'unknown-format');
  add('pixel-length-huge', patched(good, pixelTag + 8, u32le(0x7ffffff0)), 'truncated');
  add('pixel-length-short', patched(good, pixelTag + 8, u32le(100)), 'truncated');
  add('rows-element-length-huge', patched(good, rowsTag + 6, u16le(0xfff0)), 'truncated');
  add('meta-group-length-wrong', patched(good, 132 + 8, u32le(3)), 'decodes'); // dicom-parser does not rely on it
  add('zero-rows', base([{ tag: 0x00280010, vr: 'US', value: [0] }]), 'corrupt');
  add('zero-columns', base([{ tag: 0x00280011, vr: 'US', value: [0] }]), 'corrupt');
  add('huge-dimensions', base([{ tag: 0x00280010, vr: 'US', value: [65535] }, { tag: 0x00280011, vr: 'US', value: [65535] }]), 'too-large');
  add('bits-allocated-12', base([{ tag: 0x00280100, vr: 'US', value: [12] }]), 'unsupported');
  add('bits-stored-zero', base([{ tag: 0x00280101, vr: 'US', value: [0] }]), 'corrupt');
  add('bits-stored-over-allocated', base([{ tag: 0x00280101, vr: 'US', value: [20] }]), 'corrupt');
  add('high-bit-too-high', base([{ tag: 0x00280102, vr: 'US', value: [16] }]), 'corrupt');
  add('no-bits-allocated', writeDicom(imageElements({ rows: 16, columns: 16, cells }).filter((e) => e.tag !== 0x00280100)), 'corrupt');
  add('no-pixel-data', writeDicom(imageElements({ rows: 16, columns: 16, cells }).filter((e) => e.tag !== 0x7fe00010)), 'no-pixels');
  add('float-pixel-data', writeDicom([...imageElements({ rows: 1, columns: 1, cells: [0] }).filter((e) => e.tag !== 0x7fe00010), { tag: 0x7fe00008, vr: 'OF', value: new Uint8Array(4) }]), 'no-pixels');
  for (const [name, uid] of [
    ['jpeg-baseline', '1.2.840.10008.1.2.4.50'],
    ['jpeg-lossless', '1.2.840.10008.1.2.4.57'],
    ['jpeg-ls', '1.2.840.10008.1.2.4.81'],
    ['jpeg2000', '1.2.840.10008.1.2.4.91'],
    ['htj2k', '1.2.840.10008.1.2.4.203'],
    ['rle', '1.2.840.10008.1.2.5'],
  ] as const) {
    add(`compressed-${name}`, writeDicom(imageElements({ rows: 16, columns: 16, cells }), { syntax: uid }), 'compressed');
  }
  add('unknown-transfer-syntax', writeDicom(imageElements({ rows: 1, columns: 1, cells: [0] }), { syntax: '1.2.3.4.5' }), 'unsupported');
  add('palette-colour', base([{ tag: 0x00280004, vr: 'CS', value: 'PALETTE COLOR' }]), 'unsupported');
  add('ybr-422', writeDicom(imageElements({ rows: 2, columns: 2, bitsAllocated: 8, samplesPerPixel: 3, photometric: 'YBR_FULL_422', cells: new Array(12).fill(0) })), 'unsupported');
  add('mono-with-3-samples', base([{ tag: 0x00280002, vr: 'US', value: [3] }]), 'corrupt');
  add('garbage-dataset', (() => {
    const metaEnd = find(good, [0x08, 0x00], 140);
    const bytes = good.slice();
    bytes.set(randomBytes(bytes.length - metaEnd, 11), metaEnd);
    return bytes;
  })(), 'truncated');
  add('garbage-pixel-values', (() => {
    const bytes = good.slice();
    bytes.set(randomBytes(512, 12), pixelTag + 12);
    return bytes;
  })(), 'decodes');
  add('dicm-then-noise', (() => {
    const bytes = randomBytes(4096, 13);
    bytes.set([0x44, 0x49, 0x43, 0x4d], 128);
    return bytes;
  })(), 'corrupt');
  add('deflate-garbage', (() => {
    const bytes = writeDicom(imageElements({ rows: 4, columns: 4, cells: new Array(16).fill(7) }), { syntax: 'deflated' });
    const metaEnd = find(bytes, [0x31, 0x2e, 0x32, 0x2e, 0x31, 0x2e, 0x39, 0x39]) + 40;
    bytes.set(randomBytes(bytes.length - metaEnd, 14), metaEnd);
    return bytes;
  })(), 'corrupt');
  add('encapsulated-in-native-syntax', (() => {
    // Pixel data with undefined length and one fragment, but the file says Explicit VR Little Endian.
    const elements = imageElements({ rows: 1, columns: 2, cells: [1, 2] }).filter((e) => e.tag !== 0x7fe00010);
    const head = writeDicom(elements);
    const tail = Uint8Array.from([
      0xe0, 0x7f, 0x10, 0x00, 0x4f, 0x42, 0, 0, 0xff, 0xff, 0xff, 0xff,
      0xfe, 0xff, 0x00, 0xe0, 0, 0, 0, 0,
      0xfe, 0xff, 0x00, 0xe0, 4, 0, 0, 0, 1, 0, 2, 0,
      0xfe, 0xff, 0xdd, 0xe0, 0, 0, 0, 0,
    ]);
    const bytes = new Uint8Array(head.length + tail.length);
    bytes.set(head);
    bytes.set(tail, head.length);
    return bytes;
  })(), 'corrupt');
  add('no-transfer-syntax', (() => {
    const bytes = good.slice();
    const at = find(bytes, [0x02, 0x00, 0x10, 0x00]);
    bytes.set([0x02, 0x00, 0x11, 0x00], at); // renames (0002,0010) to a tag nobody reads
    return bytes;
  })(), 'corrupt');
  add('renamed-zip', Uint8Array.from([0x50, 0x4b, 0x03, 0x04, ...randomBytes(200, 15)]), 'unknown-format');
  return out;
}

/** Overwrites the 32-bit field at `field` (4 = count, 8 = value/offset) of the first-IFD entry for `tag` (little endian). */
function patchTiffEntry(bytes: Uint8Array, tag: number, field: 4 | 8, value: number): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const ifd = view.getUint32(4, true);
  const count = view.getUint16(ifd, true);
  for (let i = 0; i < count; i += 1) {
    const at = ifd + 2 + i * 12;
    if (view.getUint16(at, true) === tag) return patched(bytes, at + field, u32le(value));
  }
  throw new Error(`tag ${tag} not in the IFD`);
}

function tiffCorpus(): CorpusEntry[] {
  const good = writeTiff({ width: 16, height: 16, bitsPerSample: 16, strip: packSamples(Array.from({ length: 256 }, (_, i) => i * 200), 16) });
  const ifdOffset = new DataView(good.buffer).getUint32(4, true);
  const out: CorpusEntry[] = [];
  const add = (name: string, bytes: Uint8Array, expect: CorpusEntry['expect']) => out.push({ name: `tiff/${name}.tif`, bytes, expect });
  const tags = (extra: NonNullable<Parameters<typeof writeTiff>[0]['extraTags']>, more: Partial<Parameters<typeof writeTiff>[0]> = {}) =>
    writeTiff({ width: 16, height: 16, bitsPerSample: 16, strip: packSamples(new Array(256).fill(1000), 16), extraTags: extra, ...more });

  for (const fraction of [0.003, 0.3, 0.6, 0.95]) add(`truncated-${fraction}`, good.subarray(0, Math.max(5, Math.floor(good.length * fraction))), 'truncated');
  add('header-only', good.subarray(0, 8), 'truncated');
  add('ifd-offset-past-end', patched(good, 4, u32le(1 << 30)), 'truncated');
  add('ifd-zero-entries', patched(good, ifdOffset, [0, 0]), 'corrupt');
  add('ifd-count-huge', patched(good, ifdOffset, [0xff, 0xff]), 'truncated');
  add('tag-values-past-end', patchTiffEntry(tags([{ tag: 50000, type: 4, values: [1, 2, 3] }]), 50000, 8, 1 << 28), 'truncated');
  add('value-count-huge', (() => {
    const bytes = good.slice();
    const entry = ifdOffset + 2; // first entry (ImageWidth)
    bytes.set(u32le(0xfffffff0), entry + 4);
    return bytes;
  })(), 'truncated');
  add('zero-width', tags([{ tag: 256, type: 4, values: [0] }]), 'corrupt');
  add('huge-dimensions', tags([{ tag: 256, type: 4, values: [200000] }, { tag: 257, type: 4, values: [200000] }]), 'too-large');
  add('no-strip-offsets', writeTiff({ width: 16, height: 16, bitsPerSample: 16, strip: packSamples(new Array(256).fill(0), 16), omitTags: [273] }), 'corrupt');
  add('strip-offset-past-end', tags([{ tag: 273, type: 4, values: [1 << 28] }]), 'truncated');
  add('strip-too-short', tags([{ tag: 279, type: 4, values: [10] }]), 'truncated');
  add('jpeg2000', tags([{ tag: 259, type: 3, values: [34712] }]), 'compressed');
  add('ccitt-fax', tags([{ tag: 259, type: 3, values: [3] }]), 'compressed');
  add('unknown-compression', tags([{ tag: 259, type: 3, values: [4242] }]), 'compressed');
  add('bits-12', tags([{ tag: 258, type: 3, values: [12] }]), 'unsupported');
  add('bigtiff', Uint8Array.from([0x49, 0x49, 0x2b, 0, 8, 0, 0, 0, ...new Array(16).fill(0)]), 'unsupported');
  add('planar-rgb', tags([{ tag: 262, type: 3, values: [2] }, { tag: 277, type: 3, values: [3] }, { tag: 258, type: 3, values: [8, 8, 8] }, { tag: 284, type: 3, values: [2] }]), 'unsupported');
  add('cmyk', tags([{ tag: 262, type: 3, values: [5] }]), 'unsupported');
  add('ifd-loop', (() => {
    const bytes = good.slice();
    const count = new DataView(bytes.buffer).getUint16(ifdOffset, true);
    bytes.set(u32le(ifdOffset), ifdOffset + 2 + count * 12); // next IFD = itself
    return bytes;
  })(), 'decodes');
  add('subifd-points-at-itself', patchTiffEntry(tags([{ tag: 330, type: 4, values: [0] }]), 330, 8, ifdOffset), 'decodes');
  add('magic-then-noise', Uint8Array.from([0x49, 0x49, 0x2a, 0x00, ...randomBytes(600, 21)]), 'truncated');
  add('palette-without-colormap', writeTiff({ width: 2, height: 1, photometric: 3, strip: Uint8Array.from([0, 1]) }), 'corrupt');
  return out;
}

function pngCorpus(): CorpusEntry[] {
  const spec = { width: 16, height: 16, bitDepth: 16, colorType: 0, samples: Array.from({ length: 256 }, (_, i) => i * 250) } as const;
  const good = writePng(spec);
  const out: CorpusEntry[] = [];
  const add = (name: string, bytes: Uint8Array, expect: CorpusEntry['expect']) => out.push({ name: `png/${name}.png`, bytes, expect });
  const idat = (data: Uint8Array) => pngChunk('IDAT', zlibSync(data));
  const end = pngChunk('IEND', new Uint8Array(0));

  for (const fraction of [0.1, 0.4, 0.8, 0.97]) add(`truncated-${fraction}`, good.subarray(0, Math.floor(good.length * fraction)), 'truncated');
  add('signature-only', good.subarray(0, 8), 'truncated');
  add('bad-signature', patched(good, 1, [0x51]), 'unknown-format');
  add('ihdr-bad-crc', patched(good, 29, [good[29]! ^ 0xff]), 'corrupt');
  add('ihdr-wrong-length', assemblePng([pngChunk('IHDR', new Uint8Array(12)), end]), 'corrupt');
  add('zero-width', assemblePng([pngChunk('IHDR', ihdr(0, 16, 8, 0)), idat(new Uint8Array(16)), end]), 'corrupt');
  add('huge-dimensions', assemblePng([pngChunk('IHDR', ihdr(100000, 100000, 8, 0)), idat(new Uint8Array(16)), end]), 'too-large');
  add('rgb-bit-depth-4', assemblePng([pngChunk('IHDR', ihdr(4, 4, 4, 2)), idat(new Uint8Array(16)), end]), 'corrupt');
  add('colour-type-5', assemblePng([pngChunk('IHDR', ihdr(4, 4, 8, 5)), idat(new Uint8Array(16)), end]), 'corrupt');
  add('no-idat', assemblePng([pngChunk('IHDR', ihdr(4, 4, 8, 0)), end]), 'truncated');
  add('zlib-garbage', assemblePng([pngChunk('IHDR', ihdr(4, 4, 8, 0)), pngChunk('IDAT', randomBytes(40, 31)), end]), 'corrupt');
  add('zlib-cut-short', assemblePng([pngChunk('IHDR', ihdr(16, 16, 16, 0)), pngChunk('IDAT', zlibSync(scanlines(spec)).subarray(0, 30)), end]), 'truncated');
  add('too-few-rows', assemblePng([pngChunk('IHDR', ihdr(16, 16, 8, 0)), idat(new Uint8Array(17 * 3)), end]), 'truncated');
  add('filter-type-9', assemblePng([pngChunk('IHDR', ihdr(2, 1, 8, 0)), idat(Uint8Array.from([9, 1, 2])), end]), 'corrupt');
  add('chunk-length-huge', patched(good, 33, [0x7f, 0xff, 0xff, 0x00]), 'truncated');
  add('palette-missing', assemblePng([pngChunk('IHDR', ihdr(2, 1, 8, 3)), idat(Uint8Array.from([0, 0, 0])), end]), 'corrupt');
  add('unknown-critical-chunk', assemblePng([pngChunk('IHDR', ihdr(1, 1, 8, 0)), pngChunk('ZZZZ', new Uint8Array(4)), idat(Uint8Array.from([0, 5])), end]), 'unsupported');
  add('first-chunk-not-ihdr', assemblePng([idat(Uint8Array.from([0, 5])), pngChunk('IHDR', ihdr(1, 1, 8, 0)), end]), 'corrupt');
  add('interlace-method-7', assemblePng([pngChunk('IHDR', ihdr(1, 1, 8, 0, 7)), idat(Uint8Array.from([0, 5])), end]), 'corrupt');
  add('no-iend', good.subarray(0, good.length - 12), 'decodes');
  add('invalid-chunk-type', patched(good, 37, [0x31, 0x32, 0x33, 0x34]), 'corrupt');
  return out;
}

function generalCorpus(): CorpusEntry[] {
  return [
    { name: 'empty.png', bytes: new Uint8Array(0), expect: 'empty' },
    { name: 'notes.dcm', bytes: new TextEncoder().encode('This is a note, not an X-ray.\n'), expect: 'unknown-format' },
    { name: 'anim.gif', bytes: Uint8Array.from([0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 1, 0, 1, 0]), expect: 'unknown-format' },
    { name: 'noise.bin', bytes: randomBytes(1000, 41).map((b, i) => (i < 4 ? 0xee : b)), expect: 'unknown-format' },
    { name: 'jpeg-in-node.jpg', bytes: Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]), expect: 'unsupported' },
  ];
}

export function brokenCorpus(): CorpusEntry[] {
  return [...dicomCorpus(), ...tiffCorpus(), ...pngCorpus(), ...generalCorpus()];
}
