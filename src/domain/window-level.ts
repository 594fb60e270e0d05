/**
 * @file Viewer maths for the X-ray canvases: window/level (W/L) lookup tables and the drag that changes them, and
 * zoom/pan about a point. Pixel values are 8-bit display values (0–255); W/L follows the radiology convention:
 * values below level − window/2 go black, above level + window/2 go white, linear in between.
 */

export interface WindowLevel {
  /** Width of the displayed value range, 1…MAX_WINDOW. */
  readonly window: number;
  /** Centre of the displayed value range, 0…255. */
  readonly level: number;
  /** Shows the image as a negative (bone dark, air light), as PACS viewers' "invert"; absent = not inverted. */
  readonly invert?: boolean;
}

export interface ViewTransform {
  /** Screen pixels per image pixel. */
  readonly zoom: number;
  /** Offset of the image's top-left corner from the viewport's, in screen pixels. */
  readonly panX: number;
  readonly panY: number;
}

export const IDENTITY_WL: WindowLevel = { window: 256, level: 127.5 };
export const MIN_WINDOW = 1;
export const MAX_WINDOW = 512;
export const MIN_ZOOM = 0.25;
export const MAX_ZOOM = 32;
/** W/L change per screen pixel of drag (one grey level per pixel feels like common PACS viewers). */
export const DRAG_SENSITIVITY = 1;

const clamp = (value: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, value));

export function clampWindowLevel(wl: WindowLevel): WindowLevel {
  const clamped = { window: clamp(wl.window, MIN_WINDOW, MAX_WINDOW), level: clamp(wl.level, 0, 255) };
  return wl.invert === true ? { ...clamped, invert: true } : clamped;
}

/** 256-entry lookup table for a window/level. */
export function windowLevelLut(wl: WindowLevel): Uint8ClampedArray {
  const { window, level, invert } = clampWindowLevel(wl);
  const low = level - window / 2;
  const lut = new Uint8ClampedArray(256);
  for (let v = 0; v < 256; v += 1) {
    const shown = Math.round(((v - low) / window) * 255);
    // Inverting after windowing (on the clamped value) keeps the window's meaning: what was black becomes white.
    lut[v] = invert === true ? 255 - Math.min(255, Math.max(0, shown)) : shown;
  }
  return lut;
}

/** Maps pixels through the window/level; returns a new array. */
export function applyWindowLevel(pixels: ArrayLike<number>, wl: WindowLevel): Uint8ClampedArray {
  const lut = windowLevelLut(wl);
  const out = new Uint8ClampedArray(pixels.length);
  for (let i = 0; i < pixels.length; i += 1) out[i] = lut[pixels[i] ?? 0] ?? 0;
  return out;
}

/**
 * W/L after dragging by (dx, dy) screen pixels from `start`: right widens the window (less contrast), down raises
 * the level (darker image), as in most PACS viewers.
 */
export function dragWindowLevel(start: WindowLevel, dx: number, dy: number, sensitivity = DRAG_SENSITIVITY): WindowLevel {
  return clampWindowLevel({ ...start, window: start.window + dx * sensitivity, level: start.level + dy * sensitivity });
}

export function toggleInvert(wl: WindowLevel): WindowLevel {
  return clampWindowLevel({ ...wl, invert: wl.invert !== true });
}

/** Share of pixels the automatic window leaves black, and white: the darkest and brightest 1 %. */
export const AUTO_WINDOW_CLIP = 0.01;

/**
 * The window that spans the image's own values from its 1st to its 99th percentile, as PACS viewers' "auto W/L":
 * a low-contrast image fills the grey scale, and a few extreme pixels (a marker, a saturated corner) do not set it.
 * Keeps the inversion. An image of one value gets the narrowest window, centred on it.
 */
export function autoWindowLevel(pixels: ArrayLike<number>, current: WindowLevel = IDENTITY_WL): WindowLevel {
  if (pixels.length === 0) return clampWindowLevel({ ...current, window: IDENTITY_WL.window, level: IDENTITY_WL.level });
  const histogram = new Uint32Array(256);
  for (let i = 0; i < pixels.length; i += 1) {
    const v = clamp(Math.round(pixels[i] ?? 0), 0, 255);
    histogram[v] = (histogram[v] ?? 0) + 1;
  }
  const clip = Math.floor(pixels.length * AUTO_WINDOW_CLIP);
  const valueAtRank = (rank: number): number => {
    let seen = 0;
    for (let v = 0; v < 256; v += 1) {
      seen += histogram[v] ?? 0;
      if (seen > rank) return v;
    }
    return 255;
  };
  const low = valueAtRank(clip);
  const high = valueAtRank(pixels.length - 1 - clip);
  // The window runs from the low value's bottom edge to the high value's top edge, so both stay inside it.
  return clampWindowLevel({ ...current, window: high - low + 1, level: (low + high) / 2 });
}

/**
 * The image pixel under a viewport point (viewport pixels from its top-left corner), or null off the image. Used
 * for the viewer's pixel readout.
 */
export function imagePointAt(
  view: ViewTransform,
  x: number,
  y: number,
  imageWidth: number,
  imageHeight: number,
): { readonly x: number; readonly y: number } | null {
  const ix = Math.floor((x - view.panX) / view.zoom);
  const iy = Math.floor((y - view.panY) / view.zoom);
  if (ix < 0 || iy < 0 || ix >= imageWidth || iy >= imageHeight) return null;
  return { x: ix, y: iy };
}

/** Zoom that fits an image of `imageSize` pixels into a square viewport of `viewportSize` screen pixels. */
export function fitTransform(imageWidth: number, imageHeight: number, viewportWidth: number, viewportHeight: number): ViewTransform {
  const zoom = clamp(Math.min(viewportWidth / imageWidth, viewportHeight / imageHeight), MIN_ZOOM, MAX_ZOOM);
  return { zoom, panX: (viewportWidth - imageWidth * zoom) / 2, panY: (viewportHeight - imageHeight * zoom) / 2 };
}

/** Multiplies the zoom by `factor`, keeping the image point under (cx, cy) (viewport pixels) where it is. */
export function zoomAt(view: ViewTransform, factor: number, cx: number, cy: number): ViewTransform {
  const zoom = clamp(view.zoom * factor, MIN_ZOOM, MAX_ZOOM);
  const applied = zoom / view.zoom;
  return { zoom, panX: cx - (cx - view.panX) * applied, panY: cy - (cy - view.panY) * applied };
}

export function panBy(view: ViewTransform, dx: number, dy: number): ViewTransform {
  return { ...view, panX: view.panX + dx, panY: view.panY + dy };
}

/** Wheel delta (pixels, negative = away from the user = zoom in) to a zoom factor; about ×1.1 per notch. */
export function wheelZoomFactor(deltaY: number): number {
  return Math.exp(-clamp(deltaY, -500, 500) / 1000);
}

/** A short label for the viewer's status line, e.g. "W 256 L 128 · 400%" or "W 120 L 90 · inverted · 100%". */
export function describeView(wl: WindowLevel, view: ViewTransform): string {
  const inverted = wl.invert === true ? ' · inverted' : '';
  return `W ${Math.round(wl.window)} L ${Math.round(wl.level)}${inverted} · ${Math.round(view.zoom * 100)}%`;
}
