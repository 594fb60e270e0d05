/**
 * @file The one error type every importer throws. Its message is a whole sentence for the user that names the
 * file and the problem ("…is cut short: the pixel data has 1 200 bytes, 8 192 are needed."), so the UI can show it
 * as it is. `kind` lets tests and the UI tell problems apart without parsing the text.
 */

export type ImportProblem =
  | 'empty'
  | 'unknown-format'
  | 'truncated'
  | 'corrupt'
  | 'unsupported'
  | 'compressed'
  | 'no-pixels'
  | 'too-large';

export class ImportError extends Error {
  override readonly name = 'ImportError';
  constructor(
    readonly problem: ImportProblem,
    message: string,
  ) {
    super(message);
  }
}

/** Refuse absurd images before allocating their pixels (100 megapixels). */
export const MAX_IMPORT_PIXELS = 100_000_000;

export function checkDimensions(fileName: string, what: string, width: number, height: number): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new ImportError('corrupt', `"${fileName}" is a broken ${what}: it says the image is ${width}×${height} pixels.`);
  }
  if (width * height > MAX_IMPORT_PIXELS) {
    throw new ImportError('too-large', `"${fileName}" is ${width}×${height} pixels, more than this studio handles (100 megapixels).`);
  }
}

/** Wraps anything a library throws into an ImportError naming the file; ImportErrors pass through. */
export function asImportError(e: unknown, fileName: string, what: string): ImportError {
  if (e instanceof ImportError) return e;
  const detail = e instanceof Error ? e.message : String(e);
  if (e instanceof RangeError || /out of range|outside the bounds|beyond|buffer overrun|end of/i.test(detail)) {
    return new ImportError('truncated', `"${fileName}" is a broken ${what}: the file ends too early (${shorten(detail)}).`);
  }
  return new ImportError('corrupt', `"${fileName}" is a broken ${what}: ${shorten(detail)}.`);
}

function shorten(text: string): string {
  const clean = text.replace(/\s+/g, ' ').replace(/\.$/, '').trim();
  return clean.length > 160 ? `${clean.slice(0, 157)}…` : clean || 'unknown error';
}
