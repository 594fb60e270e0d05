/**
 * The case image on the reading screen, with the viewing tools readers expect from a PACS: drag for window/level,
 * Shift-drag (or middle-drag) to pan, the wheel to zoom about the pointer, double-click to reset. No watermark and
 * nothing else that could tell real from synthetic. Each gesture is counted for the answer (`onView`); the keys
 * stay with the answers (R/S, digits, arrows), so the tools are pointer-only.
 */
import { useEffect, useMemo, useRef, useState, type PointerEvent } from 'react';
import { IDENTITY_WL, applyWindowLevel, describeView, dragWindowLevel, panBy, wheelZoomFactor, zoomAt, type ViewTransform, type WindowLevel } from '../../domain/window-level';
import type { ViewingAction } from '../../domain/vtt/reader-session';
import type { StudyImage } from '../../domain/vtt/study';
import { drawGrey } from '../../ui/GreyCanvas';

const FITTED: ViewTransform = { zoom: 1, panX: 0, panY: 0 };
/** Wheel steps closer together than this (ms) are one zoom gesture. */
const WHEEL_GESTURE_GAP_MS = 300;
/** Pointer travel (px) before a press counts as a drag rather than a click. */
const DRAG_THRESHOLD_PX = 3;

interface Drag {
  readonly mode: 'windowLevel' | 'pan';
  readonly x: number;
  readonly y: number;
  readonly wl: WindowLevel;
  readonly view: ViewTransform;
  moved: boolean;
}

export function ReadingViewer({ image, label, onView }: { readonly image: StudyImage; readonly label: string; readonly onView: (action: ViewingAction) => void }) {
  const frame = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const drag = useRef<Drag | null>(null);
  const lastWheel = useRef(Number.NEGATIVE_INFINITY);
  const [wl, setWl] = useState<WindowLevel>(IDENTITY_WL);
  const [view, setView] = useState<ViewTransform>(FITTED);

  // The latest view for the native wheel handler, which is attached once.
  const viewRef = useRef(view);
  viewRef.current = view;
  const shown = useMemo(() => ({ width: image.width, height: image.height, pixels: applyWindowLevel(image.pixels, wl) }), [image, wl]);
  useEffect(() => drawGrey(canvas.current, shown), [shown]);

  // Native, non-passive: the wheel zooms the image instead of scrolling the page.
  const onViewRef = useRef(onView);
  onViewRef.current = onView;
  useEffect(() => {
    const el = frame.current;
    if (!el) return;
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      const rect = el.getBoundingClientRect();
      const before = viewRef.current;
      const zoomed = zoomAt(before, wheelZoomFactor(e.deltaY), e.clientX - rect.left, e.clientY - rect.top);
      // Never smaller than the fitted image: there is nothing to see around it.
      const next = zoomed.zoom <= 1 ? FITTED : zoomed;
      // A wheel turn that changes nothing (out at 100 %, in at the limit) is not a zoom.
      if (next.zoom === before.zoom && next.panX === before.panX && next.panY === before.panY) return;
      viewRef.current = next;
      setView(next);
      if (e.timeStamp - lastWheel.current > WHEEL_GESTURE_GAP_MS) onViewRef.current('zoom');
      lastWheel.current = e.timeStamp;
    };
    el.addEventListener('wheel', onWheel, { passive: false });
    return () => el.removeEventListener('wheel', onWheel);
  }, []);

  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    if (e.button !== 0 && e.button !== 1) return;
    e.currentTarget.setPointerCapture(e.pointerId);
    drag.current = { mode: e.button === 1 || e.shiftKey ? 'pan' : 'windowLevel', x: e.clientX, y: e.clientY, wl, view, moved: false };
  };
  const onPointerMove = (e: PointerEvent<HTMLDivElement>) => {
    const d = drag.current;
    if (!d) return;
    const dx = e.clientX - d.x;
    const dy = e.clientY - d.y;
    if (!d.moved && Math.hypot(dx, dy) < DRAG_THRESHOLD_PX) return;
    d.moved = true;
    if (d.mode === 'windowLevel') setWl(dragWindowLevel(d.wl, dx, dy));
    else setView(panBy(d.view, dx, dy));
  };
  const endDrag = () => {
    const d = drag.current;
    drag.current = null;
    if (d?.moved) onView(d.mode);
  };
  const reset = () => {
    const changed = wl.window !== IDENTITY_WL.window || wl.level !== IDENTITY_WL.level || view.zoom !== FITTED.zoom || view.panX !== 0 || view.panY !== 0;
    if (!changed) return;
    setWl(IDENTITY_WL);
    setView(FITTED);
    onView('resets');
  };

  return (
    <figure className="vtt-viewer">
      <div
        ref={frame}
        className="vtt-image vtt-image-frame"
        data-testid="vtt-viewer"
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={endDrag}
        onPointerCancel={endDrag}
        onDoubleClick={reset}
      >
        <canvas
          ref={canvas}
          width={shown.width}
          height={shown.height}
          role="img"
          aria-label={label}
          className="vtt-image-canvas"
          style={{ transform: `translate(${view.panX}px, ${view.panY}px) scale(${view.zoom})` }}
        />
      </div>
      <figcaption className="vtt-viewer-status" data-testid="vtt-viewer-status">
        {describeView(wl, view)} · drag: window/level, Shift-drag: pan, wheel: zoom, double-click: reset
      </figcaption>
    </figure>
  );
}
