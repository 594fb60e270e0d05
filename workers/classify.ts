/**
 * @file The phantom classifier: grey image → bilinear resize to the model's imageSize → [1,1,S,S] in [0,1] →
 * `phantom_classifier` → per-label sigmoid probabilities (label names from the manifest).
 */
import type { ClassifierResult } from '../src/contracts/engine-api';
import type { GreyImage } from '../src/contracts/job';
import type { ModelEntry } from '../src/contracts/manifest-schema';
import { greyToFloat01 } from './preprocess/image-output';
import type { RunGraph } from './pipeline/context';
import { pickOutput } from './pipeline/context';
import { float32 } from './runtime/session';

/** Bilinear resize (pixel centres aligned, edges clamped) of an 8-bit grey image. */
export function resizeGreyBilinear(image: GreyImage, width: number, height: number): GreyImage {
  if (image.width === width && image.height === height) return image;
  const src = image.pixels;
  const out = new Uint8ClampedArray(width * height);
  const sx = image.width / width;
  const sy = image.height / height;
  for (let y = 0; y < height; y++) {
    const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), image.height - 1);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, image.height - 1);
    const wy = fy - y0;
    for (let x = 0; x < width; x++) {
      const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), image.width - 1);
      const x0 = Math.floor(fx);
      const x1 = Math.min(x0 + 1, image.width - 1);
      const wx = fx - x0;
      const top = (src[y0 * image.width + x0] as number) * (1 - wx) + (src[y0 * image.width + x1] as number) * wx;
      const bottom = (src[y1 * image.width + x0] as number) * (1 - wx) + (src[y1 * image.width + x1] as number) * wx;
      out[y * width + x] = Math.round(top * (1 - wy) + bottom * wy);
    }
  }
  return { width, height, pixels: out };
}

export async function classifyImage(model: ModelEntry, run: RunGraph, image: GreyImage): Promise<ClassifierResult> {
  const labels = model.classifier?.labels;
  if (!labels || !model.components.some((c) => c.name === 'phantom_classifier')) {
    throw new Error(`Model ${model.id} has no phantom classifier.`);
  }
  if (!(image.width > 0 && image.height > 0) || image.pixels.length !== image.width * image.height) {
    throw new Error('The image to classify must be an 8-bit grey image (one byte per pixel).');
  }
  const S = model.imageSize;
  const input = greyToFloat01(resizeGreyBilinear(image, S, S));
  const out = await run('phantom_classifier', { image: float32(input, [1, 1, S, S]) });
  const probs = pickOutput(out, 'probs', 'phantom_classifier').data;
  if (probs.length !== labels.length) {
    throw new Error(`phantom_classifier returned ${probs.length} probabilities for ${labels.length} labels`);
  }
  return { labels: [...labels], probs: Array.from(probs) };
}
