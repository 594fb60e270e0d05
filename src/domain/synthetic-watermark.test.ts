import { describe, expect, it } from 'vitest';
import type { GreyImage } from '../contracts/job';
import { burnSyntheticWatermark, watermarkLayout } from './synthetic-watermark';

function flat(size: number, value: number): GreyImage {
  return { width: size, height: size, pixels: new Uint8ClampedArray(size * size).fill(value) };
}

/** Reads the burned text back as '#'/'.' rows, one character per font pixel. */
function readText(image: GreyImage): string[] {
  const layout = watermarkLayout(image.width, image.height);
  const columns = (layout.text.length * 6 - 1);
  const rows: string[] = [];
  for (let gy = 0; gy < 7; gy += 1) {
    let row = '';
    for (let gx = 0; gx < columns; gx += 1) {
      const x = layout.textLeft + gx * layout.scale;
      const y = layout.textTop + gy * layout.scale;
      row += image.pixels[y * image.width + x] === 255 ? '#' : '.';
    }
    rows.push(row);
  }
  return rows;
}

describe('watermarkLayout', () => {
  it('fits the whole word at 64 px and scales it up at 256 px', () => {
    const small = watermarkLayout(64, 64);
    expect(small).toMatchObject({ text: 'SYNTHETIC', scale: 1, bandTop: 64 - 9 });
    const large = watermarkLayout(256, 256);
    expect(large).toMatchObject({ text: 'SYNTHETIC', scale: 2, bandTop: 256 - 18 });
    expect(large.textLeft).toBe(Math.floor((256 - 53 * 2) / 2));
  });

  it('falls back to SYN and then to the band alone on narrow images', () => {
    expect(watermarkLayout(32, 64).text).toBe('SYN');
    expect(watermarkLayout(8, 8).text).toBe('');
    expect(watermarkLayout(8, 8).bandTop).toBe(0);
  });
});

describe('burnSyntheticWatermark', () => {
  it('writes SYNTHETIC in white on a darkened band and leaves the rest alone', () => {
    const input = flat(64, 100);
    const out = burnSyntheticWatermark(input);
    const layout = watermarkLayout(64, 64);
    const rows = readText(out);
    // First column group is the S glyph.
    expect(rows.map((r) => r.slice(0, 5))).toEqual(['.###.', '#...#', '#....', '.###.', '....#', '#...#', '.###.']);
    // Last glyph is C.
    expect(rows.map((r) => r.slice(-5))).toEqual(['.###.', '#...#', '#....', '#....', '#....', '#...#', '.###.']);
    // Above the band nothing changed; the band's first row is the light rule; the rest is darkened or text.
    expect(out.pixels.slice(0, layout.bandTop * 64).every((v) => v === 100)).toBe(true);
    expect(out.pixels.slice(layout.bandTop * 64, (layout.bandTop + 1) * 64).every((v) => v === 160)).toBe(true);
    expect(out.pixels.slice((layout.bandTop + 1) * 64).every((v) => v === 20 || v === 255)).toBe(true);
  });

  it('does not modify its input', () => {
    const input = flat(64, 100);
    burnSyntheticWatermark(input);
    expect(input.pixels.every((v) => v === 100)).toBe(true);
  });

  it('renders the same word at 256 px with 2×2 font pixels', () => {
    const out = burnSyntheticWatermark(flat(256, 0));
    const layout = watermarkLayout(256, 256);
    expect(readText(out)[0]?.slice(0, 11)).toBe('.###..#...#');
    const x = layout.textLeft + 1 * layout.scale;
    const y = layout.textTop;
    expect([out.pixels[y * 256 + x], out.pixels[y * 256 + x + 1], out.pixels[(y + 1) * 256 + x + 1]]).toEqual([255, 255, 255]);
  });

  it('works on non-square images', () => {
    const image: GreyImage = { width: 80, height: 40, pixels: new Uint8ClampedArray(80 * 40).fill(50) };
    const out = burnSyntheticWatermark(image);
    expect(out.width).toBe(80);
    expect(out.pixels.length).toBe(3200);
    expect(out.pixels.some((v) => v === 255)).toBe(true);
  });
});
