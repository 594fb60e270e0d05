/**
 * @file Burns a visible "SYNTHETIC" band into a copy of a GreyImage, so the marking survives screenshots, exports
 * and re-uploads (a CSS badge alone would not). Pure pixels with a built-in 5×7 bitmap font: no canvas, no fonts,
 * the same result in every browser and in tests.
 */
import type { GreyImage } from '../contracts/job';

export const WATERMARK_TEXT = 'SYNTHETIC';

const GLYPH_WIDTH = 5;
const GLYPH_HEIGHT = 7;
const GLYPH_GAP = 1;
/** Band padding above and below the text, in font pixels. */
const PADDING = 1;
/** The darkened band keeps this fraction of the image underneath, so the anatomy stays faintly visible. */
const BAND_KEEP = 0.2;

const FONT: Readonly<Record<string, readonly string[]>> = {
  S: ['.###.', '#...#', '#....', '.###.', '....#', '#...#', '.###.'],
  Y: ['#...#', '#...#', '.#.#.', '..#..', '..#..', '..#..', '..#..'],
  N: ['#...#', '##..#', '#.#.#', '#..##', '#...#', '#...#', '#...#'],
  T: ['#####', '..#..', '..#..', '..#..', '..#..', '..#..', '..#..'],
  H: ['#...#', '#...#', '#...#', '#####', '#...#', '#...#', '#...#'],
  E: ['#####', '#....', '#....', '####.', '#....', '#....', '#####'],
  I: ['.###.', '..#..', '..#..', '..#..', '..#..', '..#..', '.###.'],
  C: ['.###.', '#...#', '#....', '#....', '#....', '#...#', '.###.'],
};

function textWidth(text: string): number {
  return text.length * (GLYPH_WIDTH + GLYPH_GAP) - GLYPH_GAP;
}

export interface WatermarkLayout {
  readonly text: string;
  /** Size of one font pixel in image pixels. */
  readonly scale: number;
  /** First row of the band (it runs to the bottom edge). */
  readonly bandTop: number;
  readonly textLeft: number;
  readonly textTop: number;
}

/**
 * Where the band and text go: along the bottom edge, text centred, about a tenth of the image tall. Images too
 * narrow for the full word get "SYN"; narrower still, only the band.
 */
export function watermarkLayout(width: number, height: number): WatermarkLayout {
  const candidates = [WATERMARK_TEXT, 'SYN', ''];
  const text = candidates.find((t) => textWidth(t) + 2 <= width) ?? '';
  const byWidth = text ? Math.floor((width * 0.6) / textWidth(text)) : 1;
  const byHeight = Math.floor((height * 0.1) / GLYPH_HEIGHT);
  const scale = Math.max(1, Math.min(byWidth, byHeight));
  const bandHeight = Math.min(height, (GLYPH_HEIGHT + 2 * PADDING) * scale);
  const bandTop = height - bandHeight;
  return {
    text,
    scale,
    bandTop,
    textLeft: Math.floor((width - textWidth(text) * scale) / 2),
    textTop: bandTop + PADDING * scale,
  };
}

/** A copy of `image` with the band burned in; the input is left untouched. */
export function burnSyntheticWatermark(image: GreyImage): GreyImage {
  const { width, height } = image;
  const pixels = new Uint8ClampedArray(image.pixels);
  const layout = watermarkLayout(width, height);
  for (let y = layout.bandTop; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      const i = y * width + x;
      pixels[i] = Math.round((pixels[i] ?? 0) * BAND_KEEP);
    }
  }
  // A one-pixel light rule marks the band's upper edge even on dark images.
  if (layout.bandTop > 0) pixels.fill(160, layout.bandTop * width, (layout.bandTop + 1) * width);

  [...layout.text].forEach((char, index) => {
    const glyph = FONT[char];
    if (!glyph) return;
    const left = layout.textLeft + index * (GLYPH_WIDTH + GLYPH_GAP) * layout.scale;
    glyph.forEach((row, gy) => {
      [...row].forEach((cell, gx) => {
        if (cell !== '#') return;
        for (let dy = 0; dy < layout.scale; dy += 1) {
          const y = layout.textTop + gy * layout.scale + dy;
          if (y < 0 || y >= height) continue;
          const start = y * width + left + gx * layout.scale;
          pixels.fill(255, start, start + layout.scale);
        }
      });
    });
  });
  return { width, height, pixels };
}
