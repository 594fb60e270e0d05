/**
 * @file Browser glue for imports: File/Blob → ImportedImage, with JPEG (and any other raster the browser knows)
 * decoded by createImageBitmap on an OffscreenCanvas. PNG (8/16-bit), TIFF and DICOM go through the pure decoders,
 * so 16-bit data is never squeezed through a canvas. Covered by e2e; the pure parts have unit tests.
 */
import type { GreyImage } from '../../contracts/job';
import { rgbaToGrey } from '../grey-image';
import { decodeImport, importedToGrey, type ImportedImage } from './decode-import';
import { ImportError, MAX_IMPORT_PIXELS } from './import-error';
import { toModelInput, type ModelInputOptions } from './model-input';

/** Largest file read into memory (a 16-bit 4k×4k DICOM is 32 MB; multi-frame files can be far larger). */
export const MAX_IMPORT_BYTES = 512 * 1024 * 1024;

/**
 * JPEG/PNG bytes → grey at full size through the browser. `colorManaged: false` turns colour management off, so an
 * ICC profile cannot make one class of a reader study look different from the other.
 */
export async function decodeRasterInBrowser(bytes: Uint8Array, options: { readonly colorManaged?: boolean } = {}): Promise<GreyImage> {
  const blob = new Blob([bytes.slice()]);
  const bitmap = await (options.colorManaged === false
    ? createImageBitmap(blob, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' })
    : createImageBitmap(blob));
  try {
    if (bitmap.width * bitmap.height > MAX_IMPORT_PIXELS) throw new ImportError('too-large', `The image is ${bitmap.width}×${bitmap.height} pixels, more than this studio handles.`);
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) throw new Error('This browser cannot create a 2D canvas to read images.');
    ctx.drawImage(bitmap, 0, 0);
    return rgbaToGrey(ctx.getImageData(0, 0, bitmap.width, bitmap.height).data, bitmap.width, bitmap.height);
  } finally {
    bitmap.close();
  }
}

/** Reads and decodes a user's file. @throws ImportError with a sentence for the user */
export async function readImportFile(file: Blob, name = (file as File).name || 'image'): Promise<ImportedImage> {
  if (file.size > MAX_IMPORT_BYTES) throw new ImportError('too-large', `"${name}" is ${Math.round(file.size / 2 ** 20)} MB, more than this studio reads (512 MB).`);
  const bytes = new Uint8Array(await file.arrayBuffer());
  return decodeImport(bytes, name, { decodeRaster: (raster) => decodeRasterInBrowser(raster) });
}

/** File → the model's square grey input with the file's own window (the studio's drop zones use this). */
export async function decodeImportForModel(file: Blob, size: number, name?: string, options: ModelInputOptions = {}): Promise<GreyImage> {
  const imported = await readImportFile(file, name);
  return toModelInput(importedToGrey(imported), size, options);
}
