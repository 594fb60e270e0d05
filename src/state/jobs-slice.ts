/**
 * @file The generation job: compose the request, run it on the engine with an AbortController, fold its events
 * into progress, then keep the result on screen and save it to the history. One job at a time; Cancel aborts the
 * signal and the engine stops cooperatively at its next step (the worker is never killed). With "Report candidates"
 * N > 1 and a report output, Generate runs N jobs (seeds s … s+N−1) and keeps the consensus report's result. With
 * "Variations" V > 1 it makes V such results one after another (seeds s, s+N, …), each saved to History as it
 * finishes; a cancel or failure stops the rest and keeps those already made.
 */
import type { StateCreator } from 'zustand';
import { composeRequest } from '../domain/compose-request';
import { phantomRules } from '../domain/labeler-rules';
import { candidateCount, runWithReportConsensus } from '../domain/report-consensus';
import { finishProgress, reduceJobEvent, startProgress, type JobProgress } from '../domain/job-progress';
import { variationSeeds } from '../domain/variations';
import type { GenerationRequest } from '../contracts/job';
import { recordFromResult, type ResultRecord } from '../domain/result-record';
import { sourceCaseOf } from '../domain/result-findings';
import type { StudioDeps, StudioState } from './studio-types';

export interface JobsSlice {
  /** The running job, or the last one (its final status stays visible). */
  readonly job: JobProgress | null;
  /** Why the last Generate was refused (validation), empty when it was not. */
  readonly problems: readonly string[];
  /** The result on screen: the last finished job's, or one reopened from History. */
  readonly result: ResultRecord | null;
  readonly saveState: { readonly status: 'idle' | 'saving' | 'saved' } | { readonly status: 'failed'; readonly message: string };
  /** Ids of the results the last Generate made when it made several variations (those finished so far). */
  readonly variations: readonly string[];
  generate(): Promise<void>;
  cancel(): void;
  showResult(record: ResultRecord | null): void;
}

function isAbort(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'name' in error && (error as { name: unknown }).name === 'AbortError';
}

export function createJobsSlice(deps: StudioDeps): StateCreator<StudioState, [], [], JobsSlice> {
  let controller: AbortController | null = null;

  return (set, get) => {
    /**
     * One result: `request` run as its report candidates (runWithReportConsensus), with progress on screen. Returns
     * null when it failed or was cancelled (the progress panel then says so).
     */
    async function runOne(
      request: GenerationRequest,
      count: number,
      variation: JobProgress['variation'],
      directionId: string,
      current: AbortController,
      inputNames: ResultRecord['inputNames'],
      exampleCase: StudioState['exampleCase'],
    ): Promise<ResultRecord | null> {
      let activeJobId = request.jobId;
      const candidateOf = (k: number) => (count > 1 ? { index: k, count } : null);
      set({ job: startProgress(request.jobId, directionId, candidateOf(0), variation) });
      const onEvent = (event: Parameters<typeof reduceJobEvent>[1]) => {
        const job = get().job;
        if (job) set({ job: reduceJobEvent(job, event) });
      };
      let record: ResultRecord;
      try {
        const { kept, consensus } = await runWithReportConsensus(request, count, {
          runJob: (candidate) => deps.runJob(candidate, { signal: current.signal, onEvent }),
          newJobId: deps.newJobId,
          rules: phantomRules(),
          onCandidate: (k, jobId) => {
            if (k === 0) return;
            activeJobId = jobId;
            set({ job: startProgress(jobId, directionId, candidateOf(k), variation) });
          },
        });
        record = recordFromResult(kept, inputNames);
        if (consensus) record = { ...record, consensus };
        // Editing any input clears exampleCase, so a set one means every input is that case's.
        if (exampleCase) record = { ...record, sourceCase: sourceCaseOf(exampleCase) };
      } catch (error) {
        const job = get().job;
        if (job?.jobId === activeJobId) {
          set({
            job: current.signal.aborted || isAbort(error)
              ? finishProgress(job, { status: 'cancelled' })
              : finishProgress(job, { status: 'error', message: error instanceof Error ? error.message : String(error) }),
          });
        }
        return null;
      }
      const job = get().job;
      if (job?.jobId === activeJobId) set({ job: finishProgress(job, { status: 'done' }) });
      return record;
    }

    /** Puts a finished result on screen and saves it to History (a failed save is shown, the result stays). */
    async function keep(record: ResultRecord): Promise<void> {
      set({ result: record, saveState: { status: 'saving' } });
      try {
        await deps.saveResult(record);
        if (get().result?.id === record.id) set({ saveState: { status: 'saved' } });
        deps.onResultSaved(record);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        if (get().result?.id === record.id) set({ saveState: { status: 'failed', message } });
      }
    }

    return {
      job: null,
      variations: [],
      problems: [],
      result: null,
      saveState: { status: 'idle' },

      async generate() {
        // `controller` stays set for the whole Generate, also between variations (while one is being saved).
        if (get().job?.status === 'running' || controller !== null) return;
        const { prompt, settings, modelId, variantChoices, exampleCase } = get();
        const variant = modelId !== null ? variantChoices[modelId] : undefined;
        const composed = composeRequest(prompt, settings, {
          modelId: modelId ?? '',
          ...(variant !== undefined ? { variant } : {}),
          jobId: deps.newJobId(),
        });
        if (!composed.ok) {
          set({ problems: composed.problems });
          return;
        }
        const { request, direction } = composed;
        // "Report candidates" N > 1 with a report output: N jobs with seeds s, s+1, …, keeping the consensus report.
        const count = candidateCount(request, settings.reportCandidates);
        // "Variations" V > 1: V results with seeds s, s+N, s+2N, … (N candidates each), each saved on its own.
        const seeds = variationSeeds(request.settings.seed, settings.variations, count);
        const current = new AbortController();
        controller = current;
        const inputNames = { frontal: prompt.images.frontal?.name, lateral: prompt.images.lateral?.name };
        const names = Object.fromEntries(Object.entries(inputNames).filter(([, v]) => v !== undefined));
        const finished: string[] = [];
        set({ problems: [], variations: [] });
        try {
          for (const [v, seed] of seeds.entries()) {
            const variation = seeds.length > 1 ? { index: v, count: seeds.length } : null;
            const one: GenerationRequest = v === 0 ? request : { ...request, jobId: deps.newJobId(), settings: { ...request.settings, seed } };
            const record = await runOne(one, count, variation, direction.id, current, names, exampleCase);
            if (record === null) return;
            finished.push(record.id);
            if (seeds.length > 1) set({ variations: [...finished] });
            await keep(record);
          }
        } finally {
          if (controller === current) controller = null;
        }
      },

      cancel() {
        if (get().job?.status === 'running') controller?.abort();
      },

      showResult: (record) => set({ result: record, saveState: { status: record ? 'saved' : 'idle' } }),
    };
  };
}
