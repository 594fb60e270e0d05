/**
 * @file Balanced dataset generation from the UI: one engine job per planned case (in the engine worker), each case
 * checked by the classifier and the labeler, saved to IndexedDB as soon as it is done, so the run can pause,
 * survive a reload and resume where it stopped, or be cancelled (which discards it). The ZIP is built from the saved
 * cases. Plan, checks and files are pure (src/domain/io/dataset-plan.ts); jobs and storage are injected.
 */
import { createStore } from 'zustand/vanilla';
import type { ClassifierResult } from '../../contracts/engine-api';
import type { GenerationRequest, GreyImage, JobEvent, JobResult } from '../../contracts/job';
import type { ImageModality } from '../../contracts/modality';
import { zipWithSums, type ZipEntry } from '../../domain/io/export-bundle';
import { syntheticPng } from '../../domain/io/export-png';
import {
  carriesTarget,
  datasetCaseId,
  datasetFile,
  labelsCsv,
  planDataset,
  summarizeDataset,
  type CaseCheck,
  type DatasetCase,
  type DatasetSpec,
  type DatasetSummaryRow,
} from '../../domain/io/dataset-plan';
import { errorSentence } from '../../domain/error-sentence';
import { labelPhantomReport } from '../../domain/labeler-rules';
import { probsByLabel } from '../../domain/result-findings';
import { recordFromResult, reportExportText } from '../../domain/result-record';
import { isQuotaError } from '../../storage/results-db';

export interface DatasetMeta {
  readonly id: string;
  readonly spec: DatasetSpec;
  readonly labels: readonly string[];
  readonly createdAt: string;
  readonly status: 'running' | 'paused' | 'done';
}

export interface StoredCase {
  readonly index: number;
  readonly check: CaseCheck;
  readonly files: readonly ZipEntry[];
  readonly provenance: { readonly modelId: string; readonly modelVersion: string; readonly variant: string; readonly backend: string };
}

export interface DatasetStorage {
  loadMeta(): Promise<DatasetMeta | undefined>;
  saveMeta(meta: DatasetMeta): Promise<void>;
  saveCase(datasetId: string, stored: StoredCase): Promise<void>;
  loadCases(datasetId: string): Promise<StoredCase[]>;
  discard(datasetId: string): Promise<void>;
}

export interface DatasetDeps {
  readonly runJob: (request: GenerationRequest, options: { signal: AbortSignal; onEvent: (e: JobEvent) => void }) => Promise<JobResult>;
  readonly classify: (modelId: string, image: GreyImage) => Promise<ClassifierResult>;
  readonly storage: DatasetStorage;
  readonly newId: () => string;
  readonly now?: () => Date;
}

export interface DatasetState {
  readonly meta: DatasetMeta | null;
  readonly plan: readonly DatasetCase[];
  /** Checks of the finished cases, by index. */
  readonly checks: ReadonlyMap<number, CaseCheck>;
  readonly status: 'idle' | 'running' | 'pausing' | 'paused' | 'done' | 'error';
  /** Fraction of the current case's denoising. */
  readonly caseProgress: number;
  readonly summary: readonly DatasetSummaryRow[];
  readonly error: string | null;
  restore(): Promise<void>;
  start(spec: DatasetSpec, labels: readonly string[]): Promise<void>;
  resume(): Promise<void>;
  pause(): void;
  cancel(): Promise<void>;
  buildZip(): Promise<{ readonly fileName: string; readonly bytes: Uint8Array }>;
}

/** A failure as a sentence for the dataset screen; full storage says what is kept and what to do. */
export function datasetErrorMessage(error: unknown, saved: number): string {
  if (isQuotaError(error)) {
    return `The browser's storage for this site is full. The ${saved} case${saved === 1 ? '' : 's'} saved so far ${saved === 1 ? 'is' : 'are'} kept; download the ZIP or free space (Models: remove a variant; History: delete results), then Resume.`;
  }
  return errorSentence(error, 'The dataset stopped for a reason the browser did not give.');
}

/** Whether a stored meta is one this version can resume (a damaged or foreign one is left alone, not read). */
function isUsableMeta(meta: unknown): meta is DatasetMeta {
  if (typeof meta !== 'object' || meta === null) return false;
  const m = meta as Partial<DatasetMeta>;
  const spec = m.spec as Partial<DatasetSpec> | undefined;
  return (
    typeof m.id === 'string' &&
    Array.isArray(m.labels) &&
    typeof m.createdAt === 'string' &&
    (m.status === 'running' || m.status === 'paused' || m.status === 'done') &&
    typeof spec === 'object' &&
    spec !== null &&
    typeof spec.perLabel === 'object' &&
    spec.perLabel !== null &&
    Array.isArray(spec.directions) &&
    typeof spec.modelId === 'string'
  );
}

export function createDatasetStore(deps: DatasetDeps) {
  /**
   * The run going on, if any. The store outlives the Cases screen (leaving and coming back remounts the view), so
   * at most one run exists: resume joins it, restore leaves its state alone, and cancel and start wait for it to
   * stop before touching the dataset, so no late case lands in a discarded or a new dataset.
   */
  let active: { readonly controller: AbortController; readonly finished: Promise<void> } | null = null;
  let pauseRequested = false;
  const now = deps.now ?? (() => new Date());

  return createStore<DatasetState>()((set, get) => {
    const refresh = (checks: ReadonlyMap<number, CaseCheck>) => {
      const meta = get().meta;
      set({ checks, summary: meta ? summarizeDataset(get().plan, checks, meta.labels) : [] });
    };

    async function runOne(meta: DatasetMeta, c: DatasetCase, signal: AbortSignal): Promise<StoredCase> {
      const { spec } = meta;
      const result = await deps.runJob(
        {
          jobId: `${meta.id}-${datasetCaseId(c.index)}`,
          modelId: spec.modelId,
          inputs: [{ modality: 'report', weight: 1, text: c.prompt }],
          outputs: c.outputs,
          settings: { steps: spec.steps, guidanceScale: 7.5, seed: c.seed, sampler: 'ddim', eta: 1, previewEvery: 0, temperature: 1, topP: 1, maxTokens: 100 },
        },
        { signal, onEvent: (e) => e.type === 'denoise' && set({ caseProgress: e.step / e.totalSteps }) },
      );
      const record = recordFromResult(result);
      const files: ZipEntry[] = [];
      const imageProbs: Partial<Record<ImageModality, Record<string, number>>> = {};
      for (const output of c.outputs) {
        if (output === 'report') {
          files.push({ path: datasetFile(c.index, 'report'), bytes: new TextEncoder().encode(reportExportText(record)) });
          continue;
        }
        const image = record.outputs[output];
        if (!image) continue;
        files.push({ path: datasetFile(c.index, output), bytes: syntheticPng(record, output, { prompt: c.prompt }).bytes });
        const probs = await deps.classify(spec.modelId, image);
        imageProbs[output] = probsByLabel(probs);
      }
      const check: CaseCheck = { imageProbs, ...(record.outputs.report !== undefined ? { reportLabels: labelPhantomReport(record.outputs.report).labels } : {}) };
      return { index: c.index, check, files, provenance: { modelId: record.modelId, modelVersion: record.modelVersion, variant: record.variant, backend: record.backend } };
    }

    /** Runs the missing cases, or joins the run already going. */
    function loop(): Promise<void> {
      if (active) return active.finished;
      const controller = new AbortController();
      const finished = runCases(controller.signal).finally(() => {
        if (active?.controller === controller) active = null;
      });
      active = { controller, finished };
      return finished;
    }

    /** Aborts the run going on, if any, and waits until it has stopped writing. */
    async function stopRun(): Promise<void> {
      const run = active;
      if (!run) return;
      run.controller.abort();
      await run.finished.catch(() => undefined);
    }

    async function runCases(signal: AbortSignal): Promise<void> {
      const meta = get().meta;
      if (!meta) return;
      pauseRequested = false;
      const running: DatasetMeta = { ...meta, status: 'running' };
      try {
        await deps.storage.saveMeta(running);
      } catch (e) {
        set({ status: 'error', error: datasetErrorMessage(e, get().checks.size) });
        return;
      }
      set({ meta: running, status: 'running', error: null });
      try {
        for (const c of get().plan) {
          if (get().checks.has(c.index)) continue;
          if (pauseRequested) {
            const paused: DatasetMeta = { ...running, status: 'paused' };
            await deps.storage.saveMeta(paused);
            set({ meta: paused, status: 'paused' });
            return;
          }
          set({ caseProgress: 0 });
          const stored = await runOne(running, c, signal);
          // Cancelled while the case was finishing (its classification does not stop): it belongs to no dataset now.
          if (signal.aborted) return;
          await deps.storage.saveCase(running.id, stored);
          refresh(new Map(get().checks).set(c.index, stored.check));
        }
        if (signal.aborted) return;
        const done: DatasetMeta = { ...running, status: 'done' };
        await deps.storage.saveMeta(done);
        set({ meta: done, status: 'done' });
      } catch (e) {
        if (signal.aborted) return; // cancel() or start() resets the state once this run has stopped
        set({ status: 'error', error: datasetErrorMessage(e, get().checks.size) });
      }
    }

    return {
      meta: null,
      plan: [],
      checks: new Map(),
      status: 'idle',
      caseProgress: 0,
      summary: [],
      error: null,

      async restore() {
        // Back on the Cases screen while the run goes on: its state is the truth, not the saved record.
        if (active) return;
        try {
          const meta: unknown = await deps.storage.loadMeta();
          if (meta === undefined) return;
          if (!isUsableMeta(meta)) {
            set({ error: 'A saved dataset from another version of the studio (or a damaged one) was found and left as it is. Starting a new dataset replaces it.' });
            return;
          }
          const cases = await deps.storage.loadCases(meta.id);
          set({ meta, plan: planDataset(meta.spec), status: meta.status === 'done' ? 'done' : 'paused' });
          refresh(new Map(cases.map((c) => [c.index, c.check])));
        } catch (e) {
          set({ error: `The saved dataset could not be read: ${datasetErrorMessage(e, 0)}` });
        }
      },

      async start(spec, labels) {
        await stopRun();
        const previous = get().meta;
        const meta: DatasetMeta = { id: deps.newId(), spec, labels, createdAt: now().toISOString(), status: 'running' };
        // The new dataset's record first: if storage refuses it, the previous dataset is still whole.
        try {
          await deps.storage.saveMeta(meta);
        } catch (e) {
          set({ error: `The new dataset was not started; the current one is unchanged. ${datasetErrorMessage(e, get().checks.size)}` });
          return;
        }
        set({ meta, plan: planDataset(spec), checks: new Map(), summary: [], error: null });
        refresh(new Map());
        if (previous) await deps.storage.discard(previous.id).catch(() => undefined); // leftovers only cost space
        await loop();
      },

      async resume() {
        if (active) {
          // A pause asked for but not reached yet: take it back, and stay with the run going on.
          pauseRequested = false;
          if (get().status === 'pausing') set({ status: 'running' });
          return active.finished;
        }
        await loop();
      },

      pause() {
        if (get().status !== 'running') return;
        pauseRequested = true;
        set({ status: 'pausing' });
      },

      async cancel() {
        await stopRun();
        const meta = get().meta;
        try {
          if (meta) await deps.storage.discard(meta.id);
        } catch (e) {
          set({ status: 'error', error: `The dataset was stopped but not discarded: ${datasetErrorMessage(e, get().checks.size)}` });
          return;
        }
        set({ meta: null, plan: [], checks: new Map(), summary: [], status: 'idle', caseProgress: 0, error: null });
      },

      async buildZip() {
        const meta = get().meta;
        if (!meta) throw new Error('There is no dataset to export.');
        const cases = (await deps.storage.loadCases(meta.id)).sort((a, b) => a.index - b.index);
        const entries: ZipEntry[] = cases.flatMap((c) => c.files);
        const checks = new Map(cases.map((c) => [c.index, c.check]));
        const files = new Map(cases.map((c) => [c.index, c.files.map((f) => f.path)]));
        const plan = get().plan;
        const summary = summarizeDataset(plan, checks, meta.labels);
        const first = cases[0]?.provenance;
        // Each job runs with the variant chosen at that moment: if that changed mid-run, the cases say which is whose.
        const provenanceKey = (p: StoredCase['provenance']) => `${p.modelId} ${p.modelVersion} ${p.variant} ${p.backend}`;
        const mixed = new Set(cases.map((c) => provenanceKey(c.provenance))).size > 1;
        const provenanceByIndex = new Map(cases.map((c) => [c.index, c.provenance]));
        const manifest = {
          format: 'medcodi-synthetic-dataset',
          formatVersion: 1,
          synthetic: true,
          notice: 'SYNTHETIC DATASET generated by MedCoDi-M: no real patients; not for diagnosis.',
          id: meta.id,
          createdAt: meta.createdAt,
          generator: { app: 'MedCoDi Studio', ...(first ?? { modelId: meta.spec.modelId }), ...(mixed ? { mixed: true, note: 'The cases were made with more than one variant or backend; each case names its own.' } : {}) },
          spec: meta.spec,
          labels: meta.labels,
          complete: cases.length === plan.length,
          summary,
          cases: plan
            .filter((c) => checks.has(c.index))
            .map((c) => ({
              id: datasetCaseId(c.index),
              target: c.target,
              seed: c.seed,
              direction: c.directionId,
              prompt: c.prompt,
              carriesTarget: carriesTarget(c.target, checks.get(c.index) as CaseCheck, meta.labels),
              files: files.get(c.index),
              generator: provenanceByIndex.get(c.index),
            })),
        };
        entries.push({ path: 'labels.csv', bytes: new TextEncoder().encode(labelsCsv(plan, checks, files, meta.labels)) });
        entries.push({ path: 'manifest.json', bytes: new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`) });
        const created = new Date(meta.createdAt);
        const stamp = created.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
        return { fileName: `synthetic_dataset_${plan.length}cases_${meta.spec.seed}_${stamp}.zip`, bytes: await zipWithSums(entries, created) };
      },
    };
  });
}

/** In-memory storage (tests; also a fallback when IndexedDB is unavailable). */
export function memoryDatasetStorage(): DatasetStorage {
  let meta: DatasetMeta | undefined;
  const cases = new Map<string, StoredCase[]>();
  return {
    loadMeta: async () => meta,
    saveMeta: async (m) => {
      meta = m;
    },
    saveCase: async (id, stored) => {
      cases.set(id, [...(cases.get(id) ?? []).filter((c) => c.index !== stored.index), stored]);
    },
    loadCases: async (id) => [...(cases.get(id) ?? [])],
    discard: async (id) => {
      cases.delete(id);
      if (meta?.id === id) meta = undefined;
    },
  };
}
