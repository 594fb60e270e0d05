/**
 * @file Browser glue that turns the builder's choices into StimulusCandidates (decoded 8-bit grey pixels):
 * bundled phantom PNGs, the user's PNG/JPEG/DICOM files, and generated results from the history. Every file is
 * decoded the same way (colour management and premultiplication off, so a PNG's gamma or ICC chunk cannot make
 * one class look different), and build-study's `normaliseStimulus` then resamples every class identically.
 * A file that cannot be read becomes a problem sentence; the rest still load.
 */
import type { GreyImage } from '../../contracts/job';
import type { ImageModality } from '../../contracts/modality';
import type { ExampleCase } from '../../domain/example-cases';
import { centreSquare, rgbaToGrey, sniffImageKind } from '../../domain/grey-image';
import type { ResultRecord } from '../../domain/result-record';
import type { StimulusCandidate } from '../../domain/vtt/build-study';
import { DicomError, decodeDicom, isDicom } from '../../domain/vtt/dicom';
import { fetchBlob } from '../../queries/examples';

/** Decoding stops at this many times the study resolution; the box filter in normaliseStimulus does the rest. */
const OVERSAMPLE = 4;
const MAX_SOURCE_PIXELS = 100_000_000;

export interface LoadedCandidates {
  readonly candidates: StimulusCandidate[];
  readonly problems: string[];
}

/** PNG or JPEG bytes → grey pixels of the centred square, at most OVERSAMPLE × resolution on a side. */
async function decodeRaster(blob: Blob, resolution: number): Promise<GreyImage> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(blob, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  } catch {
    throw new Error('the file seems corrupt or cut short');
  }
  try {
    if (bitmap.width * bitmap.height > MAX_SOURCE_PIXELS) throw new Error(`it is ${bitmap.width}×${bitmap.height} pixels, more than the studio handles`);
    const crop = centreSquare(bitmap.width, bitmap.height);
    const side = Math.min(crop.size, resolution * OVERSAMPLE);
    const canvas = new OffscreenCanvas(side, side);
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) throw new Error('this browser cannot create a 2D canvas');
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(bitmap, crop.x, crop.y, crop.size, crop.size, 0, 0, side, side);
    return rgbaToGrey(ctx.getImageData(0, 0, side, side).data, side, side);
  } finally {
    bitmap.close();
  }
}

/** One user file → a "real" candidate, or a sentence saying why not. */
export async function decodeStimulusFile(file: File, resolution: number): Promise<StimulusCandidate> {
  const name = file.name || 'image';
  if (file.size === 0) throw new Error(`"${name}" is empty.`);
  const bytes = new Uint8Array(await file.arrayBuffer());
  if (isDicom(bytes)) {
    try {
      return { truth: 'real', source: { kind: 'local-file', fileName: name, fileType: 'dicom' }, image: decodeDicom(bytes) };
    } catch (error) {
      throw new Error(`"${name}": ${error instanceof DicomError ? error.message : 'the DICOM file could not be read.'}`);
    }
  }
  const kind = sniffImageKind(bytes.subarray(0, 16));
  if (!kind) throw new Error(`"${name}" is not a PNG, JPEG or DICOM image, so it was left out.`);
  try {
    const image = await decodeRaster(new Blob([bytes], { type: `image/${kind}` }), resolution);
    return { truth: 'real', source: { kind: 'local-file', fileName: name, fileType: kind }, image };
  } catch (error) {
    throw new Error(`"${name}" could not be read as ${kind.toUpperCase()} (${error instanceof Error ? error.message : String(error)}), so it was left out.`);
  }
}

export async function loadFileCandidates(files: readonly File[], resolution: number): Promise<LoadedCandidates> {
  const candidates: StimulusCandidate[] = [];
  const problems: string[] = [];
  for (const file of files) {
    try {
      candidates.push(await decodeStimulusFile(file, resolution));
    } catch (error) {
      problems.push(error instanceof Error ? error.message : String(error));
    }
  }
  return { candidates, problems };
}

/** Bundled phantom cases, used as the "real" class in demos (they are simulated, not patients). */
export async function loadExampleCandidates(examples: readonly ExampleCase[], views: readonly ImageModality[], resolution: number): Promise<LoadedCandidates> {
  const candidates: StimulusCandidate[] = [];
  const problems: string[] = [];
  for (const example of examples) {
    for (const view of views) {
      try {
        const image = await decodeRaster(await fetchBlob(example[view]), resolution);
        candidates.push({ truth: 'real', source: { kind: 'bundled-example', exampleId: example.id, view, phantom: true }, image });
      } catch (error) {
        problems.push(`Example ${example.id} (${view}) could not be loaded: ${error instanceof Error ? error.message : String(error)}.`);
      }
    }
  }
  return { candidates, problems };
}

/** Generated images from the history (already 8-bit grey pixels, never the watermarked export). */
export function historyCandidates(records: readonly ResultRecord[], views: readonly ImageModality[]): StimulusCandidate[] {
  const candidates: StimulusCandidate[] = [];
  for (const record of records) {
    for (const view of views) {
      const image = record.outputs[view];
      if (!image) continue;
      candidates.push({
        truth: 'synthetic',
        source: {
          kind: 'history',
          resultId: record.id,
          modelId: record.modelId,
          modelVersion: record.modelVersion,
          directionId: record.directionId,
          seed: record.settings.seed,
          steps: record.settings.steps,
          guidanceScale: record.settings.guidanceScale,
          view,
        },
        image,
      });
    }
  }
  return candidates;
}
