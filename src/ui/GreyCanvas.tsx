/** A GreyImage drawn 1:1 into a canvas (CSS scales it). Optionally burns the SYNTHETIC band into the shown pixels. */
import { useEffect, useMemo, useRef } from 'react';
import type { GreyImage } from '../contracts/job';
import { greyToRgba } from '../domain/grey-image';
import { burnSyntheticWatermark } from '../domain/synthetic-watermark';

export interface GreyCanvasProps {
  readonly image: GreyImage;
  readonly label: string;
  readonly watermark?: boolean;
  readonly className?: string;
}

export function GreyCanvas({ image, label, watermark = false, className }: GreyCanvasProps) {
  const ref = useRef<HTMLCanvasElement>(null);
  const shown = useMemo(() => (watermark ? burnSyntheticWatermark(image) : image), [image, watermark]);
  useEffect(() => drawGrey(ref.current, shown), [shown]);
  return (
    <canvas
      ref={ref}
      width={shown.width}
      height={shown.height}
      className={className ? `grey-canvas ${className}` : 'grey-canvas'}
      role="img"
      aria-label={label}
    />
  );
}

/** Puts grey pixels into a canvas of the same size. */
export function drawGrey(canvas: HTMLCanvasElement | null, image: GreyImage): void {
  const ctx = canvas?.getContext('2d');
  if (!canvas || !ctx) return;
  if (canvas.width !== image.width) canvas.width = image.width;
  if (canvas.height !== image.height) canvas.height = image.height;
  ctx.putImageData(new ImageData(greyToRgba(image.pixels), image.width, image.height), 0, 0);
}
