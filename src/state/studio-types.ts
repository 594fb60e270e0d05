/**
 * @file The store's combined type and the side effects it is given. Slices import only these types; the real
 * effects (engine worker, IndexedDB, image decoding) are wired in studio-store.ts, fakes in tests.
 */
import type { GenerationRequest, GreyImage, JobEvent, JobResult } from '../contracts/job';
import type { ResultRecord } from '../domain/result-record';
import type { JobsSlice } from './jobs-slice';
import type { PromptSlice } from './prompt-slice';
import type { SettingsSlice } from './settings-slice';
import type { UiSlice } from './ui-slice';

export interface StudioDeps {
  runJob(request: GenerationRequest, options: { signal: AbortSignal; onEvent: (event: JobEvent) => void }): Promise<JobResult>;
  saveResult(record: ResultRecord): Promise<void>;
  /** Called after a result was saved (refresh the history list). */
  onResultSaved(record: ResultRecord): void;
  decodeImage(file: Blob, size: number, name: string): Promise<GreyImage>;
  fetchBlob(url: string): Promise<Blob>;
  newJobId(): string;
}

export type StudioState = PromptSlice & SettingsSlice & JobsSlice & UiSlice;
