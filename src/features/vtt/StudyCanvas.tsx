/** A study image drawn 1:1 into a canvas; CSS scales every case to the same on-screen size. */
import { useEffect, useRef } from 'react';
import type { StudyImage } from '../../domain/vtt/study';
import { drawGrey } from '../../ui/GreyCanvas';

export function StudyCanvas({ image, label, className }: { readonly image: StudyImage; readonly label: string; readonly className?: string }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    drawGrey(ref.current, { width: image.width, height: image.height, pixels: new Uint8ClampedArray(image.pixels.buffer, image.pixels.byteOffset, image.pixels.length) });
  }, [image]);
  return <canvas ref={ref} width={image.width} height={image.height} className={className} role="img" aria-label={label} />;
}
