/**
 * @file The pointer gestures both X-ray viewers share (the studio's result viewer and the reader study's case
 * viewer), as PACS viewers have them: drag for window/level, Shift-drag or middle-drag to pan, the wheel to zoom
 * about the pointer. The maths lives in domain/window-level.ts; each viewer keeps its own keys, double-click and
 * buttons.
 */
import { useEffect, useLayoutEffect, useRef, type PointerEvent, type RefObject } from 'react';
import { dragWindowLevel, panBy, wheelZoomFactor, zoomAt, type ViewTransform, type WindowLevel } from '../domain/window-level';

export type ViewerGesture = 'windowLevel' | 'pan' | 'zoom';

/** Wheel steps closer together than this (ms) are one zoom gesture. */
export const WHEEL_GESTURE_GAP_MS = 300;
/** Pointer travel (px) before a press counts as a drag rather than a click (a click leaves W/L alone). */
export const DRAG_THRESHOLD_PX = 3;

export interface ViewerGestureOptions {
  /** The element that takes the pointer and the wheel. */
  readonly frame: RefObject<HTMLElement | null>;
  readonly wl: WindowLevel;
  readonly setWl: (wl: WindowLevel) => void;
  readonly view: ViewTransform;
  readonly setView: (view: ViewTransform) => void;
  /** Bounds a zoomed view, e.g. never smaller than the fitted image; default: as zoomAt leaves it. */
  readonly limitZoom?: ((view: ViewTransform) => ViewTransform) | undefined;
  /** Once per gesture that changed the view: a drag that moved, a burst of wheel steps that zoomed. */
  readonly onGesture?: ((gesture: ViewerGesture) => void) | undefined;
  /** Pointer moves with no drag under way (a pixel readout). */
  readonly onHover?: ((e: PointerEvent<HTMLElement>) => void) | undefined;
}

interface Drag {
  readonly mode: 'windowLevel' | 'pan';
  readonly x: number;
  readonly y: number;
  readonly wl: WindowLevel;
  readonly view: ViewTransform;
  moved: boolean;
}

const sameView = (a: ViewTransform, b: ViewTransform) => a.zoom === b.zoom && a.panX === b.panX && a.panY === b.panY;

/** Pointer handlers to spread on the frame; the wheel is attached to it natively (React's is passive). */
export function useViewerGestures(options: ViewerGestureOptions) {
  // The native wheel handler is attached once and reads the latest options; `view` also moves on within a burst of
  // wheel events that arrive before the next render.
  const latest = useRef(options);
  const view = useRef(options.view);
  // After each commit, not during render (a render React throws away must not move them).
  useLayoutEffect(() => {
    latest.current = options;
    view.current = options.view;
  });
  const drag = useRef<Drag | null>(null);
  const lastWheel = useRef(Number.NEGATIVE_INFINITY);

  useEffect(() => {
    const el = options.frame.current;
    if (!el) return;
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      const { setView, limitZoom, onGesture } = latest.current;
      const rect = el.getBoundingClientRect();
      const before = view.current;
      const zoomed = zoomAt(before, wheelZoomFactor(e.deltaY), e.clientX - rect.left, e.clientY - rect.top);
      const next = limitZoom ? limitZoom(zoomed) : zoomed;
      // A wheel turn that changes nothing (out at the smallest, in at the limit) is not a zoom.
      if (sameView(next, before)) return;
      view.current = next;
      setView(next);
      if (e.timeStamp - lastWheel.current > WHEEL_GESTURE_GAP_MS) onGesture?.('zoom');
      lastWheel.current = e.timeStamp;
    };
    el.addEventListener('wheel', onWheel, { passive: false });
    return () => el.removeEventListener('wheel', onWheel);
  }, [options.frame]);

  const onPointerDown = (e: PointerEvent<HTMLElement>) => {
    if (e.button !== 0 && e.button !== 1) return;
    e.currentTarget.setPointerCapture(e.pointerId);
    drag.current = { mode: e.button === 1 || e.shiftKey ? 'pan' : 'windowLevel', x: e.clientX, y: e.clientY, wl: options.wl, view: options.view, moved: false };
  };
  const onPointerMove = (e: PointerEvent<HTMLElement>) => {
    const d = drag.current;
    if (!d) {
      options.onHover?.(e);
      return;
    }
    const dx = e.clientX - d.x;
    const dy = e.clientY - d.y;
    if (!d.moved && Math.hypot(dx, dy) < DRAG_THRESHOLD_PX) return;
    d.moved = true;
    if (d.mode === 'windowLevel') options.setWl(dragWindowLevel(d.wl, dx, dy));
    else options.setView(panBy(d.view, dx, dy));
  };
  const endDrag = () => {
    const d = drag.current;
    drag.current = null;
    if (d?.moved) options.onGesture?.(d.mode);
  };
  return { onPointerDown, onPointerMove, onPointerUp: endDrag, onPointerCancel: endDrag };
}
