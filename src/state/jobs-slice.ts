/**
 * @file The generation job: compose the request, run it on the engine with an AbortController, fold its events
 * into progress, then keep the result on screen and save it to the history. One job at a time; Cancel aborts the
 * signal and the engine stops cooperatively at its next step (the worker is never killed). With "Report candidates"
 * N > 1 and a report output, Generate runs N jobs (seeds s … s+N−1) and keeps the consensus report's result. With
 * "Variations" it makes several such results one after another (seeds s, s+N, …, or one setting swept over its
 * values), each saved to History as it finishes; a cancel or failure stops the rest and keeps those already made.
 */
import type { StateCreator } from 'zustand';
import { composeRequest } from '../domain/compose-request';
import { phantomRules } from '../domain/labeler-rules';
import { candidateCount, runWithReportConsensus } from '../domain/report-consensus';
import { finishProgress, reduceJobEvent, startProgress, type JobProgress } from '../domain/job-progress';
import { planVariations } from '../domain/variations';
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

/** What every variation of one Generate shares. */
interface GenerateRun {
  /** Report candidates per result. */
  readonly count: number;
  readonly directionId: string;
  readonly current: AbortController;
  readonly inputNames: ResultRecord['inputNames'];
  readonly exampleCase: StudioState['exampleCase'];
}

export function createJobsSlice(deps: StudioDeps): StateCreator<StudioState, [], [], JobsSlice> {
  let controller: AbortController | null = null;
  /** Counts Generates, so a late save of an earlier one does not overwrite a newer one's list of variations. */
  let generation = 0;

  return (set, get) => {
    /**
     * One result: `request` run as its report candidates (runWithReportConsensus), with progress on screen. Returns
     * null when it failed or was cancelled (the progress panel then says so). A variation before the last leaves
     * the job running ("saving"), so Cancel still works and Generate stays busy until the whole Generate ends.
     */
    async function runOne(
      request: GenerationRequest,
      variation: JobProgress['variation'],
      last: boolean,
      run: GenerateRun,
    ): Promise<ResultRecord | null> {
      const { count, directionId, current, inputNames, exampleCase } = run;
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
      if (job?.jobId === activeJobId) {
        // The engine's own 'done' event has already frozen this job's progress; between variations it runs on.
        set({ job: last ? finishProgress(job, { status: 'done' }) : { ...job, status: 'running', label: `Variation ${(variation?.index ?? 0) + 1} done, saving…` } });
      }
      return record;
    }

    /**
     * Puts a finished result on screen and saves it to History (a failed save is shown, the result stays). Returns
     * why it was not saved, or null when it was.
     */
    async function keep(record: ResultRecord): Promise<string | null> {
      set({ result: record, saveState: { status: 'saving' } });
      try {
        await deps.saveResult(record);
        if (get().result?.id === record.id) set({ saveState: { status: 'saved' } });
        deps.onResultSaved(record);
        return null;
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        if (get().result?.id === record.id) set({ saveState: { status: 'failed', message } });
        return message;
      }
    }

    /** Ends a Generate of several variations early, on the job still shown as running. */
    function stopVariations(outcome: { status: 'cancelled' } | { status: 'error'; message: string }): void {
      const job = get().job;
      if (job?.status === 'running') set({ job: finishProgress(job, outcome) });
    }

    return {
      job: null,
      variations: [],
      problems: [],
      result: null,
      saveState: { status: 'idle' },

      async generate() {
        if (get().job?.status === 'running') return;
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
        // "Variations": V results, each saved on its own; seeds s, s+N, s+2N, … (N candidates each), or one setting swept
        // over its values at seed s.
        const plan = planVariations(request.settings, settings, count);
        const current = new AbortController();
        controller = current;
        const release = () => {
          if (controller === current) controller = null;
        };
        // File names only of a bundled phantom case's images: a user's own file may be named after the patient
        // ("DOE_JOHN_1960.dcm"), and the record goes into History and its exports.
        const inputNames = exampleCase ? { frontal: prompt.images.frontal?.name, lateral: prompt.images.lateral?.name } : {};
        const names = Object.fromEntries(Object.entries(inputNames).filter(([, v]) => v !== undefined));
        const run: GenerateRun = { count, directionId: direction.id, current, inputNames: names, exampleCase };
        const saved: string[] = [];
        const mine = (generation += 1);
        set({ problems: [], variations: [] });
        for (const [v, varied] of plan.entries()) {
          const last = v === plan.length - 1;
          const variation = plan.length > 1 ? { index: v, count: plan.length } : null;
          const one: GenerationRequest = { ...request, jobId: v === 0 ? request.jobId : deps.newJobId(), settings: { ...request.settings, ...varied } };
          const record = await runOne(one, variation, last, run);
          // The last job has ended: a new Generate may start while this result is being saved (as with one result).
          if (record === null || last) release();
          if (record === null) return;
          const notSaved = await keep(record);
          if (notSaved === null && plan.length > 1 && generation === mine) {
            // Listed only once saved, so "Compare the variations" never offers a result History does not have.
            saved.push(record.id);
            set({ variations: [...saved] });
          }
          if (last) return;
          if (notSaved !== null) {
            release();
            stopVariations({ status: 'error', message: `Variation ${v + 1} of ${plan.length} was not saved (${notSaved}); the rest were not made.` });
            return;
          }
          if (current.signal.aborted) {
            release();
            stopVariations({ status: 'cancelled' });
            return;
          }
        }
      },

      cancel() {
        if (get().job?.status === 'running') controller?.abort();
      },

      showResult: (record) => set({ result: record, saveState: { status: record ? 'saved' : 'idle' } }),
    };
  };
}
