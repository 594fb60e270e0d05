/**
 * @file Folds the engine's JobEvent stream into what the progress panel shows: a stage label, one 0–1 bar, the
 * latest previews and the report text decoded so far. Events of other jobs are ignored; the terminal events
 * (done, cancelled, error) freeze the state.
 */
import type { JobEvent, GreyImage } from '../contracts/job';
import type { ImageModality } from '../contracts/modality';
import { MODALITY_NAMES } from './compose-request';

export type JobStatus = 'running' | 'done' | 'cancelled' | 'error';

export interface JobProgress {
  readonly jobId: string;
  readonly directionId: string;
  readonly status: JobStatus;
  readonly stage: JobEvent['type'];
  /** One line for the status text and the aria-live region, e.g. "Denoising: step 12 of 50". */
  readonly label: string;
  readonly step: number;
  readonly totalSteps: number;
  /** Overall bar: download bytes while downloading, then denoising steps; 1 once decoding starts. */
  readonly fraction: number;
  readonly previews: Partial<Record<ImageModality, { readonly image: GreyImage; readonly step: number }>>;
  readonly reportSoFar: string;
  readonly tokenCount: number;
  readonly error: string | null;
  /** Set while a consensus report samples its candidates: which one runs (0-based) and how many there are. */
  readonly candidate: { readonly index: number; readonly count: number } | null;
  /** Set while one Generate makes several variations (seeds): which one runs (0-based) and how many there are. */
  readonly variation: { readonly index: number; readonly count: number } | null;
}

export function startProgress(
  jobId: string,
  directionId: string,
  candidate: JobProgress['candidate'] = null,
  variation: JobProgress['variation'] = null,
): JobProgress {
  return {
    jobId,
    directionId,
    candidate,
    variation,
    status: 'running',
    stage: 'queued',
    label: 'Queued',
    step: 0,
    totalSteps: 0,
    fraction: 0,
    previews: {},
    reportSoFar: '',
    tokenCount: 0,
    error: null,
  };
}

function megabytes(bytes: number): string {
  return `${(bytes / 1_048_576).toFixed(1)} MB`;
}

/** Applies one event. Returns the same object when the event changes nothing (other job, already finished). */
export function reduceJobEvent(progress: JobProgress, event: JobEvent): JobProgress {
  if (event.jobId !== progress.jobId || progress.status !== 'running') return progress;
  const next = { ...progress, stage: event.type };
  switch (event.type) {
    case 'queued':
      return { ...next, label: 'Queued' };
    case 'download': {
      const fraction = event.total > 0 ? Math.min(1, event.loaded / event.total) : 0;
      return {
        ...next,
        fraction,
        label: `Downloading ${event.file}: ${megabytes(event.loaded)} of ${megabytes(event.total)}`,
      };
    }
    case 'session':
      return { ...next, label: `Loading ${event.component} (${event.backend === 'webgpu' ? 'WebGPU' : 'WASM'})` };
    case 'encode':
      return { ...next, label: `Encoding the ${MODALITY_NAMES[event.modality]}` };
    case 'denoise':
      return {
        ...next,
        step: event.step,
        totalSteps: event.totalSteps,
        fraction: event.totalSteps > 0 ? event.step / event.totalSteps : 0,
        label: `Denoising: step ${event.step} of ${event.totalSteps}`,
      };
    case 'preview':
      return { ...next, stage: progress.stage, previews: { ...progress.previews, [event.modality]: { image: event.image, step: event.step } } };
    case 'decode':
      return { ...next, fraction: 1, label: `Decoding the ${MODALITY_NAMES[event.modality]}` };
    case 'token':
      return {
        ...next,
        reportSoFar: event.text,
        tokenCount: event.count,
        fraction: 1,
        label: `Writing the report: ${event.count} token${event.count === 1 ? '' : 's'}`,
      };
    case 'done':
      return { ...next, status: 'done', fraction: 1, label: 'Done' };
    case 'cancelled':
      return { ...next, status: 'cancelled', label: 'Cancelled' };
    case 'error':
      return { ...next, status: 'error', error: event.message, label: `Failed: ${event.message}` };
  }
}

/** Ends a job from the caller's side (runJob settled without a terminal event, or threw). */
export function finishProgress(progress: JobProgress, outcome: { status: 'done' } | { status: 'cancelled' } | { status: 'error'; message: string }): JobProgress {
  if (progress.status !== 'running') return progress;
  if (outcome.status === 'done') return { ...progress, status: 'done', stage: 'done', fraction: 1, label: 'Done' };
  if (outcome.status === 'cancelled') return { ...progress, status: 'cancelled', stage: 'cancelled', label: 'Cancelled' };
  return { ...progress, status: 'error', stage: 'error', error: outcome.message, label: `Failed: ${outcome.message}` };
}
