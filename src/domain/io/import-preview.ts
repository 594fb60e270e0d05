/**
 * @file Display choices of the import preview: the file's own window/LUT, the full range of the pixels, or the full
 * range of the bit depth, plus inversion. Pure, so the panel only renders.
 */
import type { ImportedImage } from './decode-import';
import type { DisplayPipeline } from './scalar-image';
import { fullRangeWindow } from './windowing';

export type WindowPreset = 'file' | 'full-range';

export const WINDOW_PRESET_LABELS: Readonly<Record<WindowPreset, string>> = {
  file: 'As the file says',
  'full-range': 'Full range of the pixels',
};

export function displayFor(imported: ImportedImage, preset: WindowPreset, invertOverride?: boolean): DisplayPipeline {
  const voi = preset === 'file' ? imported.display.voi : fullRangeWindow(imported.image);
  return { voi, invert: invertOverride ?? imported.display.invert };
}
