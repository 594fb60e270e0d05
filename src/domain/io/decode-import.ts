/**
 * @file One entry point for every import: bytes + file name → ImportedImage (the high-depth pixels, how the file
 * says to display them, the header facts, the view it suggests, and warnings). Pure: JPEG decoding is injected
 * (the browser passes createImageBitmap, see read-import-file.ts) because no JPEG decoder ships with the studio.
 */
import type { GreyImage } from '../../contracts/job';
import type { ImageModality } from '../../contracts/modality';
import { decodeDicom } from './decode-dicom';
import { decodeTiff } from './decode-tiff';
import type { HeaderSummary } from './header-summary';
import { modalityFromViewPosition } from './header-summary';
import { ImportError, asImportError } from './import-error';
import { describePngFormat, decodePng } from './png-decode';
import type { DisplayPipeline, ScalarImage } from './scalar-image';
import { scalarFromArray } from './scalar-image';
import type { ImportFormat } from './sniff-format';
import { nameOtherFormat, sniffFormat } from './sniff-format';
import { bitDepthWindow, describeVoi, fullRangeWindow, renderDisplay } from './windowing';

export interface ImportedImage {
  readonly fileName: string;
  readonly format: ImportFormat;
  readonly image: ScalarImage;
  /** The file's own display: its window or LUT (else a full-range one) and MONOCHROME1 inversion. */
  readonly display: DisplayPipeline;
  readonly header: HeaderSummary;
  /** Frontal or lateral, from DICOM ViewPosition; null when the file does not say. */
  readonly suggestedModality: ImageModality | null;
  readonly warnings: readonly string[];
}

export interface DecodeImportOptions {
  /** Decodes JPEG (and anything else the platform can) to 8-bit grey; absent in Node. */
  readonly decodeRaster?: (bytes: Uint8Array) => Promise<GreyImage>;
}

export const ACCEPTED_EXTENSIONS = ['.png', '.jpg', '.jpeg', '.tif', '.tiff', '.dcm', '.dicom'] as const;

/** Decodes any supported file. @throws ImportError with a sentence for the user. */
export async function decodeImport(bytes: Uint8Array, fileName: string, options: DecodeImportOptions = {}): Promise<ImportedImage> {
  if (bytes.length === 0) throw new ImportError('empty', `"${fileName}" is empty.`);
  const format = sniffFormat(bytes);
  if (!format) {
    // A Part 10 file cut short inside its 128-byte preamble has only zeros so far.
    if (bytes.length < 132 && /\.(dcm|dicom)$/i.test(fileName) && bytes.every((b) => b === 0)) {
      throw new ImportError('truncated', `"${fileName}" is a broken DICOM file: it is cut short after ${bytes.length} bytes, before its "DICM" marker.`);
    }
    const other = nameOtherFormat(bytes);
    const looksDicom = /\.(dcm|dicom)$/i.test(fileName);
    throw new ImportError(
      'unknown-format',
      `"${fileName}" is ${other ?? 'not an image the studio reads'}${looksDicom && !other ? ' (its name says DICOM, but it has no "DICM" marker at byte 128)' : ''}. Use PNG, JPEG, TIFF or DICOM.`,
    );
  }
  try {
    switch (format) {
      case 'png':
        return fromPng(bytes, fileName);
      case 'tiff':
        return fromTiff(bytes, fileName);
      case 'dicom':
        return fromDicom(bytes, fileName);
      case 'jpeg':
        return await fromJpeg(bytes, fileName, options);
    }
  } catch (e) {
    throw asImportError(e, fileName, `${format.toUpperCase()} file`);
  }
}

function fromPng(bytes: Uint8Array, fileName: string): ImportedImage {
  const png = decodePng(bytes, fileName);
  // 8-bit files are shown as they are; deeper ones rarely use their whole range, so they open on the pixels' range.
  const voi = png.bitDepth === 16 ? fullRangeWindow(png.image) : bitDepthWindow(png.colorType === 3 ? 8 : png.bitDepth);
  const synthetic = Object.entries(png.text).some(([k, v]) => /synthetic/i.test(`${k} ${v}`));
  return {
    fileName,
    format: 'png',
    image: png.image,
    display: { voi, invert: false },
    header: {
      format: describePngFormat(png.bitDepth, png.colorType) + (png.interlaced ? ' (interlaced)' : ''),
      width: png.image.width,
      height: png.image.height,
      window: describeVoi(voi),
      ...(synthetic ? { syntheticMarked: true } : {}),
    },
    suggestedModality: null,
    warnings: png.warnings,
  };
}

function fromTiff(bytes: Uint8Array, fileName: string): ImportedImage {
  const tiff = decodeTiff(bytes, fileName);
  const voi = tiff.bitsPerSample > 8 ? fullRangeWindow(tiff.image) : bitDepthWindow(tiff.bitsPerSample);
  return {
    fileName,
    format: 'tiff',
    image: tiff.image,
    display: { voi, invert: tiff.invert },
    header: {
      format: `TIFF ${tiff.bitsPerSample}-bit ${tiff.sampleFormat === 'unsigned' ? '' : `${tiff.sampleFormat} `}${tiff.photometric}, compression ${tiff.compression}`,
      width: tiff.image.width,
      height: tiff.image.height,
      photometric: tiff.photometric,
      window: describeVoi(voi),
      ...(tiff.pages > 1 ? { frames: tiff.pages } : {}),
    },
    suggestedModality: null,
    warnings: tiff.warnings,
  };
}

function fromDicom(bytes: Uint8Array, fileName: string): ImportedImage {
  const dicom = decodeDicom(bytes, fileName);
  return {
    fileName,
    format: 'dicom',
    image: dicom.image,
    display: dicom.display,
    header: dicom.header,
    suggestedModality: modalityFromViewPosition(dicom.header.viewPosition),
    warnings: dicom.warnings,
  };
}

async function fromJpeg(bytes: Uint8Array, fileName: string, options: DecodeImportOptions): Promise<ImportedImage> {
  if (!options.decodeRaster) throw new ImportError('unsupported', `"${fileName}" is a JPEG image, which only the browser studio decodes.`);
  let grey: GreyImage;
  try {
    grey = await options.decodeRaster(bytes);
  } catch (e) {
    if (e instanceof ImportError) throw e;
    throw new ImportError('corrupt', `"${fileName}" is a broken JPEG image: the browser cannot decode it (corrupt or cut short).`);
  }
  const voi = bitDepthWindow(8);
  return {
    fileName,
    format: 'jpeg',
    image: scalarFromArray(grey.width, grey.height, grey.pixels),
    display: { voi, invert: false },
    header: { format: 'JPEG (8-bit)', width: grey.width, height: grey.height, window: describeVoi(voi) },
    suggestedModality: null,
    warnings: [],
  };
}

/** The imported image as 8-bit display grey, through its own display pipeline or an override (user window). */
export function importedToGrey(imported: ImportedImage, display: DisplayPipeline = imported.display): GreyImage {
  return renderDisplay(imported.image, display);
}
