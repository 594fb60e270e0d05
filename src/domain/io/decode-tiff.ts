/**
 * @file TIFF import through UTIF.js: 1-, 8-, 16- and 32-bit grey (unsigned, signed or float), WhiteIsZero
 * inverted, RGB and palette reduced to luma. Only the first image of a multi-page file is read.
 *
 * UTIF trusts the file: a looping IFD chain or a tag claiming four billion values makes it run forever. So the
 * first IFD is checked here first (every entry inside the file, strips inside the file, sizes sane), and UTIF gets
 * a copy with the next-IFD link cut and the sub-IFD/EXIF/maker-note pointers renamed, so it reads one IFD only.
 */
import { ImportError, asImportError, checkDimensions } from './import-error';
import type { ScalarImage } from './scalar-image';
import { UTIF } from './vendor/utif';
import type { UtifIfd } from './vendor/utif';

export interface DecodedTiff {
  readonly image: ScalarImage;
  readonly bitsPerSample: number;
  readonly samplesPerPixel: number;
  readonly photometric: string;
  readonly compression: string;
  readonly sampleFormat: 'unsigned' | 'signed' | 'float';
  /** WhiteIsZero: higher values are darker. */
  readonly invert: boolean;
  /** Natural display range when the data has no better one (bit depth). */
  readonly maxValue: number;
  readonly pages: number;
  readonly warnings: readonly string[];
}

const TYPE_SIZES: Readonly<Record<number, number>> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 16: 8, 17: 8, 18: 8 };
const COMPRESSION_NAMES: Readonly<Record<number, string>> = {
  1: 'none',
  2: 'CCITT Group 3 1-D',
  3: 'CCITT Group 3 fax',
  4: 'CCITT Group 4 fax',
  5: 'LZW',
  6: 'old-style JPEG',
  7: 'JPEG',
  8: 'Deflate',
  32773: 'PackBits',
  32946: 'Deflate (old code)',
  34712: 'JPEG 2000',
  34887: 'LERC',
  34925: 'LZMA',
  50000: 'Zstandard',
  50001: 'WebP',
};
/** What UTIF decodes reliably for grey X-rays. */
const SUPPORTED_COMPRESSION = new Set([1, 5, 7, 8, 32773]);
const PHOTOMETRIC_NAMES: Readonly<Record<number, string>> = { 0: 'WhiteIsZero', 1: 'BlackIsZero', 2: 'RGB', 3: 'palette', 4: 'mask', 5: 'CMYK', 6: 'YCbCr', 8: 'CIELab' };
/** Tags whose values point at further IFDs; renamed in UTIF's copy so it does not follow them. */
const POINTER_TAGS = new Set([330, 34665, 34853, 37500, 40965, 50740]);
const HARMLESS_TAG = 65000;

interface Entry {
  readonly tag: number;
  readonly type: number;
  readonly count: number;
  /** Byte offset of the entry itself in the file. */
  readonly at: number;
  readonly values: readonly number[];
}

export function isTiff(bytes: Uint8Array): boolean {
  return (bytes[0] === 0x49 && bytes[1] === 0x49 && bytes[2] === 0x2a && bytes[3] === 0) || (bytes[0] === 0x4d && bytes[1] === 0x4d && bytes[2] === 0 && bytes[3] === 0x2a);
}

/** Decodes the first page of a TIFF file. @throws ImportError */
export function decodeTiff(bytes: Uint8Array, fileName = 'image.tif'): DecodedTiff {
  const broken = (problem: 'corrupt' | 'truncated', why: string) => new ImportError(problem, `"${fileName}" is a broken TIFF file: ${why}.`);
  if (bytes.length >= 4 && bytes[0] === 0x49 && bytes[1] === 0x49 && bytes[2] === 0x2b) {
    throw new ImportError('unsupported', `"${fileName}" is a BigTIFF file, which the studio cannot read. Save it as a regular TIFF or PNG.`);
  }
  if (!isTiff(bytes)) throw broken('corrupt', 'it does not start with a TIFF header');
  if (bytes.length < 8) throw broken('truncated', `it is cut short after ${bytes.length} bytes`);
  const little = bytes[0] === 0x49;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u16 = (at: number) => view.getUint16(at, little);
  const u32 = (at: number) => view.getUint32(at, little);

  const ifdOffset = u32(4);
  if (ifdOffset < 8 || ifdOffset + 2 > bytes.length) throw broken('truncated', `its first directory (IFD) at byte ${ifdOffset} is outside the file`);
  const count = u16(ifdOffset);
  if (count === 0) throw broken('corrupt', 'its first directory (IFD) is empty');
  const entriesEnd = ifdOffset + 2 + count * 12;
  if (entriesEnd + 4 > bytes.length) throw broken('truncated', `its directory of ${count} entries runs past the end of the file`);

  const entries = new Map<number, Entry>();
  for (let i = 0; i < count; i += 1) {
    const at = ifdOffset + 2 + i * 12;
    const tag = u16(at);
    const type = u16(at + 2);
    const n = u32(at + 4);
    const size = TYPE_SIZES[type];
    if (size === undefined) continue; // unknown field types are skipped, as TIFF 6.0 asks
    const total = size * n;
    const valueAt = total <= 4 ? at + 8 : u32(at + 8);
    if (valueAt + total > bytes.length) throw broken('truncated', `tag ${tag} says its ${n} values are at byte ${valueAt}, past the end of the file`);
    const values: number[] = [];
    if (type === 3 || type === 4 || type === 16) {
      const limit = Math.min(n, 1_000_000);
      for (let j = 0; j < limit; j += 1) values.push(type === 3 ? u16(valueAt + 2 * j) : type === 4 ? u32(valueAt + 4 * j) : Number(view.getBigUint64(valueAt + 8 * j, little)));
    } else if (type === 1 && n <= 4) {
      for (let j = 0; j < n; j += 1) values.push(bytes[valueAt + j] ?? 0);
    }
    entries.set(tag, { tag, type, count: n, at, values });
  }
  const first = (tag: number, fallback?: number): number => {
    const v = entries.get(tag)?.values[0];
    if (v !== undefined) return v;
    if (fallback !== undefined) return fallback;
    throw broken('corrupt', `it lacks the required tag ${tag}`);
  };

  const width = first(256);
  const height = first(257);
  checkDimensions(fileName, 'TIFF file', width, height);
  const compressionCode = first(259, 1);
  const compression = COMPRESSION_NAMES[compressionCode] ?? `code ${compressionCode}`;
  if (!SUPPORTED_COMPRESSION.has(compressionCode)) {
    throw new ImportError('compressed', `"${fileName}" uses ${compression} TIFF compression, which the studio cannot decode. Save it uncompressed, LZW or Deflate, or as PNG.`);
  }
  const photometricCode = first(262, 1);
  const photometric = PHOTOMETRIC_NAMES[photometricCode] ?? `code ${photometricCode}`;
  const samplesPerPixel = first(277, 1);
  const bitsPerSample = first(258, 1);
  const formatCode = first(339, 1);
  const sampleFormat = formatCode === 2 ? 'signed' : formatCode === 3 ? 'float' : 'unsigned';
  const grey = photometricCode === 0 || photometricCode === 1;
  if (grey && samplesPerPixel > 2) throw broken('corrupt', `a grey image with ${samplesPerPixel} samples per pixel`);
  if (grey && ![1, 8, 16, 32].includes(bitsPerSample)) {
    throw new ImportError('unsupported', `"${fileName}" is a ${bitsPerSample}-bit grey TIFF; the studio reads 1, 8, 16 and 32-bit grey.`);
  }
  if (grey && bitsPerSample === 32 && sampleFormat !== 'float' && compressionCode !== 1) {
    throw new ImportError('unsupported', `"${fileName}" is a compressed 32-bit integer TIFF; save it uncompressed or as 16-bit.`);
  }
  if (!grey && !((photometricCode === 2 || photometricCode === 3) && bitsPerSample <= 8)) {
    throw new ImportError('unsupported', `"${fileName}" is a ${photometric} TIFF with ${bitsPerSample}-bit samples; the studio reads grey, 8-bit RGB and palette TIFF.`);
  }
  if (photometricCode === 3 && !entries.has(320)) throw broken('corrupt', 'it is a palette image without a colour map (ColorMap tag)');
  if (samplesPerPixel > 1 && first(284, 1) === 2) {
    throw new ImportError('unsupported', `"${fileName}" stores its colour planes separately (PlanarConfiguration 2), which the studio cannot read.`);
  }
  const tiled = entries.has(322);
  const offsets = entries.get(tiled ? 324 : 273)?.values ?? [];
  const counts = entries.get(tiled ? 325 : 279)?.values ?? [];
  if (offsets.length === 0) throw broken('corrupt', 'it has no image data offsets (StripOffsets)');
  offsets.forEach((offset, i) => {
    const n = counts[i] ?? 0;
    if (offset >= bytes.length || offset + n > bytes.length) {
      throw broken('truncated', `image data block ${i + 1} of ${offsets.length} runs past the end of the file`);
    }
  });
  if (compressionCode === 1) {
    const needed = Math.ceil((width * samplesPerPixel * bitsPerSample) / 8) * height;
    const available = tiled ? Infinity : counts.reduce((a, b) => a + b, 0);
    if (counts.length > 0 && available < needed) throw broken('truncated', `its image data has ${available} bytes, ${needed} are needed`);
  }

  // UTIF's copy: own buffer (it ignores byteOffset), one IFD, no pointers to follow.
  const copy = bytes.slice();
  const copyView = new DataView(copy.buffer);
  copyView.setUint32(entriesEnd, 0, little);
  for (const entry of entries.values()) if (POINTER_TAGS.has(entry.tag)) copyView.setUint16(entry.at, HARMLESS_TAG, little);

  let ifd: UtifIfd;
  try {
    const ifds = UTIF.decode(copy.buffer);
    const firstIfd = ifds[0];
    if (!firstIfd) throw new Error('no image directory');
    ifd = firstIfd;
    UTIF.decodeImage(copy.buffer, ifd, ifds);
  } catch (e) {
    throw asImportError(e, fileName, 'TIFF file');
  }
  const warnings: string[] = [];
  const pages = countPages(bytes, u16, u32, ifdOffset);
  if (pages > 1) warnings.push(`The TIFF has ${pages} pages; only the first is used.`);
  const image = grey ? greyValues(ifd, width, height, bitsPerSample, samplesPerPixel, sampleFormat, fileName) : colourLuma(ifd, width, height, fileName);
  const maxValue = grey && bitsPerSample <= 16 ? 2 ** bitsPerSample - 1 : 255;
  return {
    image,
    bitsPerSample,
    samplesPerPixel,
    photometric,
    compression,
    sampleFormat,
    invert: photometricCode === 0,
    maxValue,
    pages,
    warnings,
  };
}

/** Follows the IFD chain (bounded, loop-safe) only to count pages. */
function countPages(bytes: Uint8Array, u16: (at: number) => number, u32: (at: number) => number, firstOffset: number): number {
  const seen = new Set<number>();
  let offset = firstOffset;
  while (offset >= 8 && offset + 2 <= bytes.length && !seen.has(offset) && seen.size < 1000) {
    seen.add(offset);
    const next = offset + 2 + u16(offset) * 12;
    if (next + 4 > bytes.length) break;
    offset = u32(next);
  }
  return seen.size;
}

function greyValues(ifd: UtifIfd, width: number, height: number, bits: number, spp: number, format: DecodedTiff['sampleFormat'], fileName: string): ScalarImage {
  const data = ifd.data;
  const n = width * height;
  const rowBytes = Math.ceil((width * spp * bits) / 8);
  if (!data || data.length < rowBytes * height) {
    throw new ImportError('truncated', `"${fileName}" is a broken TIFF file: its image data decodes to ${data?.length ?? 0} bytes, ${rowBytes * height} are needed.`);
  }
  const values = new Float32Array(n);
  // UTIF has already turned 16-bit big-endian samples into little-endian ones; 32-bit ones keep the file's order.
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const little32 = ifd.isLE !== false;
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      const sample = x * spp; // alpha (spp 2) is ignored
      let v: number;
      if (bits === 1) v = ((data[y * rowBytes + (sample >> 3)] ?? 0) >> (7 - (sample & 7))) & 1;
      else if (bits === 8) v = format === 'signed' ? view.getInt8(y * rowBytes + sample) : (data[y * rowBytes + sample] ?? 0);
      else if (bits === 16) v = format === 'signed' ? view.getInt16(y * rowBytes + sample * 2, true) : view.getUint16(y * rowBytes + sample * 2, true);
      else {
        const at = y * rowBytes + sample * 4;
        v = format === 'float' ? view.getFloat32(at, little32) : format === 'signed' ? view.getInt32(at, little32) : view.getUint32(at, little32);
      }
      values[y * width + x] = Number.isFinite(v) ? v : 0;
    }
  }
  return { width, height, values };
}

function colourLuma(ifd: UtifIfd, width: number, height: number, fileName: string): ScalarImage {
  let rgba: Uint8Array;
  try {
    rgba = UTIF.toRGBA8(ifd);
  } catch (e) {
    throw asImportError(e, fileName, 'TIFF file');
  }
  if (rgba.length < width * height * 4) throw new ImportError('truncated', `"${fileName}" is a broken TIFF file: its colour data is cut short.`);
  const values = new Float32Array(width * height);
  for (let i = 0, j = 0; i < values.length; i += 1, j += 4) {
    values[i] = Math.round((0.299 * (rgba[j] ?? 0) + 0.587 * (rgba[j + 1] ?? 0) + 0.114 * (rgba[j + 2] ?? 0)) * ((rgba[j + 3] ?? 255) / 255));
  }
  return { width, height, values };
}
