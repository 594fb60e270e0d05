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
  return { window: clamp(wl.window, MIN_WINDOW, MAX_WINDOW), level: clamp(wl.level, 0, 255) };
}

/** 256-entry lookup table for a window/level. */
export function windowLevelLut(wl: WindowLevel): Uint8ClampedArray {
  const { window, level } = clampWindowLevel(wl);
  const low = level - window / 2;
  const lut = new Uint8ClampedArray(256);
  for (let v = 0; v < 256; v += 1) lut[v] = Math.round(((v - low) / window) * 255);
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
  return clampWindowLevel({ window: start.window + dx * sensitivity, level: start.level + dy * sensitivity });
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

/** A short label for the viewer's status line, e.g. "W 256 L 128 · 400%". */
export function describeView(wl: WindowLevel, view: ViewTransform): string {
  return `W ${Math.round(wl.window)} L ${Math.round(wl.level)} · ${Math.round(view.zoom * 100)}%`;
}
