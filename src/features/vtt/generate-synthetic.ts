/**
 * @file "Generate N now": runs N single-image jobs in the engine worker (runJob), conditioned on bundled phantom
 * reports or images, saves each result to the history like the Studio does, and returns the records so the
 * builder can select them as the synthetic class. Stops between jobs when the signal aborts.
 */
import type { JobEvent } from '../../contracts/job';
import { composeRequest } from '../../domain/compose-request';
import { decodeImageFile } from '../../domain/decode-image-file';
import type { ExampleCase } from '../../domain/example-cases';
import { DEFAULT_SETTINGS, EMPTY_PROMPT, type PromptDraft } from '../../domain/prompt-draft';
import { recordFromResult, type ResultRecord } from '../../domain/result-record';
import { sourceCaseOf } from '../../domain/result-findings';
import { planGenerationJobs, type GenerationDirection } from '../../domain/vtt/plan-generation';
import { runJob } from '../../engine-client/engine-client';
import { queryClient } from '../../app/query-client';
import { fetchBlob } from '../../queries/examples';
import { queryKeys } from '../../queries/keys';
import { readyEngine } from '../../queries/engine';
import { resultsDb } from '../../storage/results-db';

export interface GenerateNowOptions {
  readonly count: number;
  readonly direction: GenerationDirection;
  readonly steps: number;
  readonly studySeed: number;
  readonly modelId: string;
  /** The model variant to run; absent = Automatic (the engine's pick). */
  readonly variant?: string;
  readonly imageSize: number;
  readonly examples: readonly ExampleCase[];
  readonly signal: AbortSignal;
  /** Called with "job i of N" and the engine's events. */
  readonly onProgress: (done: number, total: number, event: JobEvent | null) => void;
}

function newJobId(): string {
  const bytes = new Uint8Array(8);
  crypto.getRandomValues(bytes);
  return `vtt-gen-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

export async function generateNow(options: GenerateNowOptions): Promise<ResultRecord[]> {
  const { direction, examples } = options;
  const jobs = planGenerationJobs(options.count, options.studySeed, examples.map((e) => e.id));
  const records: ResultRecord[] = [];
  await readyEngine();
  for (const job of jobs) {
    if (options.signal.aborted) break;
    const example = examples.find((e) => e.id === job.exampleId);
    if (!example) continue;
    let draft: PromptDraft = { ...EMPTY_PROMPT, outputs: [direction.output] };
    if (direction.input === 'report') {
      draft = { ...draft, report: example.report };
    } else {
      const image = await decodeImageFile(await fetchBlob(example[direction.input]), options.imageSize, example.id);
      draft = { ...draft, images: { ...draft.images, [direction.input]: { name: example.id, image } } };
    }
    const composed = composeRequest(draft, { ...DEFAULT_SETTINGS, steps: options.steps, seedText: String(job.seed), previewEvery: 0 }, {
      modelId: options.modelId,
      jobId: newJobId(),
      ...(options.variant !== undefined ? { variant: options.variant } : {}),
    });
    if (!composed.ok) throw new Error(composed.problems.join(' '));
    options.onProgress(job.index, jobs.length, null);
    const result = await runJob(composed.request, { signal: options.signal, onEvent: (event) => options.onProgress(job.index, jobs.length, event) });
    // every input is the bundled case's, so the record keeps its ground truth (as the Studio does), and a study
    // built from it knows which findings the image was made to show
    const record = { ...recordFromResult(result, direction.input === 'report' ? {} : { [direction.input]: example.id }), sourceCase: sourceCaseOf(example) };
    await resultsDb().save(record);
    records.push(record);
  }
  await queryClient.invalidateQueries({ queryKey: queryKeys.results() });
  options.onProgress(records.length, jobs.length, null);
  return records;
}
