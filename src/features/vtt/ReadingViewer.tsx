/**
 * The case image on the reading screen, with the viewing tools readers expect from a PACS: drag for window/level,
 * Shift-drag (or middle-drag) to pan, the wheel to zoom about the pointer, double-click to reset. No watermark and
 * nothing else that could tell real from synthetic. Each gesture is counted for the answer (`onView`); the keys
 * stay with the answers (R/S, digits, arrows), so the tools are pointer-only.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { IDENTITY_WL, applyWindowLevel, describeView, type ViewTransform, type WindowLevel } from '../../domain/window-level';
import type { ViewingAction } from '../../domain/vtt/reader-session';
import type { StudyImage } from '../../domain/vtt/study';
import { drawGrey } from '../../ui/GreyCanvas';
import { useViewerGestures } from '../../ui/use-viewer-gestures';

const FITTED: ViewTransform = { zoom: 1, panX: 0, panY: 0 };
/** Never smaller than the fitted image: there is nothing to see around it. */
const noSmallerThanFitted = (view: ViewTransform) => (view.zoom <= 1 ? FITTED : view);

export function ReadingViewer({ image, label, onView }: { readonly image: StudyImage; readonly label: string; readonly onView: (action: ViewingAction) => void }) {
  const frame = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [wl, setWl] = useState<WindowLevel>(IDENTITY_WL);
  const [view, setView] = useState<ViewTransform>(FITTED);
  const shown = useMemo(() => ({ width: image.width, height: image.height, pixels: applyWindowLevel(image.pixels, wl) }), [image, wl]);
  useEffect(() => drawGrey(canvas.current, shown), [shown]);
  // Each gesture that changed the view is counted for the answer.
  const gestures = useViewerGestures({ frame, wl, setWl, view, setView, limitZoom: noSmallerThanFitted, onGesture: onView });

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
        {...gestures}
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
