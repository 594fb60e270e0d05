/**
 * X-ray style viewer for one output image: drag = window/level, Shift-drag or middle-drag = pan, wheel = zoom,
 * keys: + / − zoom, arrows W/L, I invert, A automatic W/L, 0 reset; the pointer's pixel and its value are read out. The maths lives in domain/window-level.ts; the SYNTHETIC band is burned
 * into the displayed pixels after W/L so it stays readable at any setting.
 */
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type Dispatch, type KeyboardEvent, type PointerEvent, type SetStateAction } from 'react';
import type { GreyImage } from '../../contracts/job';
import { burnSyntheticWatermark } from '../../domain/synthetic-watermark';
import {
  IDENTITY_WL,
  applyWindowLevel,
  autoWindowLevel,
  describeView,
  dragWindowLevel,
  fitTransform,
  imagePointAt,
  toggleInvert,
  zoomAt,
  type ViewTransform,
  type WindowLevel,
} from '../../domain/window-level';
import { drawGrey } from '../../ui/GreyCanvas';
import { SyntheticBadge } from '../../ui/SyntheticBadge';
import { useViewerGestures } from '../../ui/use-viewer-gestures';

const KEY_STEP = 8;

/** The stored value (0–255, before W/L) of the image pixel under the pointer. */
interface PixelProbe {
  readonly x: number;
  readonly y: number;
  readonly value: number;
}

/**
 * Window/level and view held outside the viewer, so several viewers move together (History → Compare). The
 * transform is in viewport pixels: linked viewers should have viewports and images of the same size.
 */
export interface ViewerLink {
  readonly wl: WindowLevel;
  readonly setWl: Dispatch<SetStateAction<WindowLevel>>;
  readonly view: ViewTransform;
  readonly setView: Dispatch<SetStateAction<ViewTransform>>;
}

export const INITIAL_VIEW: ViewTransform = { zoom: 1, panX: 0, panY: 0 };

export function XrayViewer({
  image,
  title,
  link,
  resetKey,
}: {
  readonly image: GreyImage;
  readonly title: string;
  readonly link?: ViewerLink | undefined;
  /** The view resets when this changes (a different result), not when the same image is read again; default: the image. */
  readonly resetKey?: string;
}) {
  const viewport = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [ownWl, setOwnWl] = useState<WindowLevel>(IDENTITY_WL);
  const [ownView, setOwnView] = useState<ViewTransform>(INITIAL_VIEW);
  const [probe, setProbe] = useState<PixelProbe | null>(null);
  const wl = link ? link.wl : ownWl;
  const setWl = link ? link.setWl : setOwnWl;
  const view = link ? link.view : ownView;
  const setView = link ? link.setView : setOwnView;

  const fit = useCallback(() => {
    const el = viewport.current;
    if (el) setView(fitTransform(image.width, image.height, el.clientWidth, el.clientHeight));
  }, [image.width, image.height, setView]);

  const reset = useCallback(() => {
    setWl(IDENTITY_WL);
    fit();
  }, [fit, setWl]);
  const invert = useCallback(() => setWl(toggleInvert), [setWl]);
  const autoWindow = useCallback(() => setWl((w) => autoWindowLevel(image.pixels, w)), [image.pixels, setWl]);

  // Through refs, so that linking or unlinking (new setters) and a refetch of the same result (a new image object
  // with the same key) keep the view instead of resetting it.
  const fitRef = useRef(fit);
  const resetRef = useRef(reset);
  useLayoutEffect(() => {
    fitRef.current = fit;
    resetRef.current = reset;
  });
  const identity = resetKey ?? image;
  useEffect(() => resetRef.current(), [identity, image.width, image.height]);
  useEffect(() => {
    const el = viewport.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(() => fitRef.current());
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  // Unlinking: this viewer goes on from where the linked view was, rather than from its own old state.
  const previousLink = useRef(link);
  useLayoutEffect(() => {
    const before = previousLink.current;
    if (before && !link) {
      setOwnWl(before.wl);
      setOwnView(before.view);
    }
    previousLink.current = link;
  });

  // Zoom, pan or a new image move the pixels under the pointer: the readout waits for the next pointer move.
  useEffect(() => setProbe(null), [view, image]);

  const shown = useMemo(
    () => burnSyntheticWatermark({ ...image, pixels: applyWindowLevel(image.pixels, wl) }),
    [image, wl],
  );
  useEffect(() => drawGrey(canvas.current, shown), [shown]);

  const readPixel = (e: PointerEvent<HTMLElement>) => {
    const rect = e.currentTarget.getBoundingClientRect();
    const point = imagePointAt(view, e.clientX - rect.left, e.clientY - rect.top, image.width, image.height);
    setProbe(point ? { ...point, value: image.pixels[point.y * image.width + point.x] ?? 0 } : null);
  };
  const gestures = useViewerGestures({ frame: viewport, wl, setWl, view, setView, onHover: readPixel });

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const el = viewport.current;
    const cx = (el?.clientWidth ?? 0) / 2;
    const cy = (el?.clientHeight ?? 0) / 2;
    const actions: Record<string, () => void> = {
      '+': () => setView((v) => zoomAt(v, 1.25, cx, cy)),
      '=': () => setView((v) => zoomAt(v, 1.25, cx, cy)),
      '-': () => setView((v) => zoomAt(v, 0.8, cx, cy)),
      ArrowRight: () => setWl((w) => dragWindowLevel(w, KEY_STEP, 0)),
      ArrowLeft: () => setWl((w) => dragWindowLevel(w, -KEY_STEP, 0)),
      ArrowDown: () => setWl((w) => dragWindowLevel(w, 0, KEY_STEP)),
      ArrowUp: () => setWl((w) => dragWindowLevel(w, 0, -KEY_STEP)),
      i: invert,
      I: invert,
      a: autoWindow,
      A: autoWindow,
      '0': reset,
    };
    const action = actions[e.key];
    if (action && !e.ctrlKey && !e.metaKey && !e.altKey) {
      e.preventDefault();
      action();
    }
  };

  const status = describeView(wl, view);
  return (
    <figure className="viewer">
      <figcaption className="viewer-caption">
        <span>{title}</span>
        <SyntheticBadge small />
      </figcaption>
      <div
        ref={viewport}
        className="viewer-viewport"
        tabIndex={0}
        role="img"
        aria-label={`${title}, synthetic. ${status}. Drag to change window and level, Shift-drag to pan, wheel or plus/minus to zoom, arrow keys for window and level, I to invert, A for an automatic window, 0 to reset.`}
        {...gestures}
        onPointerLeave={() => setProbe(null)}
        onKeyDown={onKeyDown}
        onDoubleClick={reset}
      >
        <canvas
          ref={canvas}
          width={shown.width}
          height={shown.height}
          className="viewer-canvas"
          style={{ transform: `translate(${view.panX}px, ${view.panY}px) scale(${view.zoom})` }}
        />
      </div>
      <div className="viewer-status">
        <span aria-hidden="true">{status}</span>
        <span className="viewer-probe" data-testid="pixel-probe" aria-hidden="true">
          {probe ? `x ${probe.x}, y ${probe.y}: ${probe.value}` : ''}
        </span>
        <span className="viewer-tools">
          <button type="button" className="link-button" aria-pressed={wl.invert === true} onClick={invert} title="Invert (I)">
            Invert
          </button>
          <button type="button" className="link-button" onClick={autoWindow} title="Window from the image's 1st to 99th percentile (A)">
            Auto W/L
          </button>
          <button type="button" className="link-button" onClick={reset} title="Reset view (0, or double-click)">
            Reset view
          </button>
        </span>
      </div>
    </figure>
  );
}
