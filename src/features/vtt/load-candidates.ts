/**
 * @file Browser glue that turns the builder's choices into StimulusCandidates (8-bit grey pixels): the user's
 * PNG, JPEG, TIFF or DICOM files and the bundled phantom PNGs go through the studio's one import pipeline
 * (domain/io/decode-import: the file's own window / MONOCHROME1 handling, pixels only, no tags kept), history
 * results are already grey pixels; build-study's `normaliseStimulus` then resamples every class identically.
 * A file that cannot be read becomes a problem sentence; the rest still load.
 */
import type { GreyImage } from '../../contracts/job';
import type { ImageModality } from '../../contracts/modality';
import type { ExampleCase } from '../../domain/example-cases';
import { decodeRasterInBrowser } from '../../domain/io/read-import-file';
import { decodeImport, importedToGrey } from '../../domain/io/decode-import';
import type { ResultRecord } from '../../domain/result-record';
import type { StimulusCandidate } from '../../domain/vtt/build-study';
import type { CaseSource } from '../../domain/vtt/study';
import { fetchBlob } from '../../queries/examples';

export interface LoadedCandidates {
  readonly candidates: StimulusCandidate[];
  readonly problems: string[];
}

/** File bytes → display grey through the file's own pipeline. @throws with a sentence naming the file. */
async function decodeFileBytes(bytes: Uint8Array, name: string): Promise<{ image: GreyImage; format: 'png' | 'jpeg' | 'tiff' | 'dicom' }> {
  const imported = await decodeImport(bytes, name, { decodeRaster: (raster) => decodeRasterInBrowser(raster, { colorManaged: false }) });
  return { image: importedToGrey(imported), format: imported.format };
}

/** One user file → a "real" candidate, or an error whose message says why not. */
export async function decodeStimulusFile(file: File): Promise<StimulusCandidate> {
  const name = file.name || 'image';
  const { image, format } = await decodeFileBytes(new Uint8Array(await file.arrayBuffer()), name);
  return { truth: 'real', source: { kind: 'local-file', fileName: name, fileType: format }, image };
}

export async function loadFileCandidates(files: readonly File[]): Promise<LoadedCandidates> {
  const candidates: StimulusCandidate[] = [];
  const problems: string[] = [];
  for (const file of files) {
    try {
      candidates.push(await decodeStimulusFile(file));
    } catch (error) {
      problems.push(`${error instanceof Error ? error.message : String(error)} It was left out.`);
    }
  }
  return { candidates, problems };
}

/** Bundled phantom cases, used as the "real" class in demos (they are simulated, not patients). */
export async function loadExampleCandidates(examples: readonly ExampleCase[], views: readonly ImageModality[]): Promise<LoadedCandidates> {
  const candidates: StimulusCandidate[] = [];
  const problems: string[] = [];
  for (const example of examples) {
    for (const view of views) {
      try {
        const blob = await fetchBlob(example[view]);
        const { image } = await decodeFileBytes(new Uint8Array(await blob.arrayBuffer()), example[view]);
        candidates.push({ truth: 'real', source: { kind: 'bundled-example', exampleId: example.id, view, phantom: true }, image, labels: example.labels });
      } catch (error) {
        problems.push(`Example ${example.id} (${view}) could not be loaded: ${error instanceof Error ? error.message : String(error)}.`);
      }
    }
  }
  return { candidates, problems };
}

/** Where a history result's image or report came from, for the hidden key. */
function historySource(record: ResultRecord, view: ImageModality | 'report'): CaseSource {
  return {
    kind: 'history',
    resultId: record.id,
    modelId: record.modelId,
    modelVersion: record.modelVersion,
    directionId: record.directionId,
    seed: record.settings.seed,
    steps: record.settings.steps,
    guidanceScale: record.settings.guidanceScale,
    view,
  };
}

/** A result made from a bundled case has that case's labels: the findings it was asked to show. */
const sourceLabels = (record: ResultRecord) => (record.sourceCase ? { labels: record.sourceCase.labels } : {});

/** Generated images from the history (already 8-bit grey pixels, never the watermarked export). */
export function historyCandidates(records: readonly ResultRecord[], views: readonly ImageModality[]): StimulusCandidate[] {
  return records.flatMap((record) =>
    views.flatMap((view): StimulusCandidate[] => {
      const image = record.outputs[view];
      return image ? [{ truth: 'synthetic', source: historySource(record, view), image, ...sourceLabels(record) }] : [];
    }),
  );
}

/** Bundled phantom reports as the "real" class of a report study (simulated cases, not patients). */
export function exampleReportCandidates(examples: readonly ExampleCase[]): StimulusCandidate[] {
  return examples.map((example) => ({
    truth: 'real',
    source: { kind: 'bundled-example', exampleId: example.id, view: 'report', phantom: true },
    report: example.report,
    labels: example.labels,
  }));
}

/** Generated reports from the history as the "synthetic" class of a report study. */
export function historyReportCandidates(records: readonly ResultRecord[]): StimulusCandidate[] {
  return records.flatMap((record): StimulusCandidate[] => {
    const report = record.outputs.report;
    return report === undefined ? [] : [{ truth: 'synthetic', source: historySource(record, 'report'), report, ...sourceLabels(record) }];
  });
}
