/**
 * @file State of "Check on this device" (src/domain/device-check.ts): runs one direction over the bundled phantom
 * cases through the engine, one case at a time, with progress and cancel, and keeps each case's comparison with
 * its known findings. Jobs, the classifier and image loading are injected, so the flow is unit-tested.
 */
import { createStore } from 'zustand/vanilla';
import type { ClassifierResult } from '../../contracts/engine-api';
import type { ConditionInput, GenerationRequest, GenerationSettings, GreyImage, JobEvent, JobResult } from '../../contracts/job';
import type { ImageModality } from '../../contracts/modality';
import { checkCase, planDeviceCheck, summariseDeviceCheck, type CaseCheckResult, type CheckDirectionId, type OutputSummary } from '../../domain/device-check';
import { errorSentence } from '../../domain/error-sentence';
import type { ExampleCase } from '../../domain/example-cases';
import { labelPhantomReport } from '../../domain/labeler-rules';
import type { OutputFindings } from '../../domain/result-findings';

export interface DeviceCheckDeps {
  readonly runJob: (request: GenerationRequest, options: { signal: AbortSignal; onEvent: (e: JobEvent) => void }) => Promise<JobResult>;
  readonly classify: (modelId: string, image: GreyImage) => Promise<ClassifierResult>;
  /** The example's radiograph of one view, decoded at the model's image size. */
  readonly loadImage: (example: ExampleCase, modality: ImageModality, size: number) => Promise<GreyImage>;
  readonly newJobId: () => string;
}

export interface DeviceCheckRun {
  readonly modelId: string;
  readonly labels: readonly string[];
  readonly imageSize: number;
  readonly cases: readonly ExampleCase[];
  readonly direction: CheckDirectionId;
  readonly settings: GenerationSettings;
}

export interface DeviceCheckState {
  readonly status: 'idle' | 'running' | 'done' | 'cancelled' | 'error';
  /** The model the last check ran (one store serves every model card). */
  readonly modelId: string | null;
  readonly direction: CheckDirectionId | null;
  readonly total: number;
  readonly results: readonly CaseCheckResult[];
  readonly summary: readonly OutputSummary[];
  /** Variant and backend the jobs ran on (from the first result). */
  readonly ranOn: string | null;
  readonly error: string | null;
  run(run: DeviceCheckRun): Promise<void>;
  cancel(): void;
}

const sentence = (e: unknown) => errorSentence(e, 'The check stopped for a reason the browser did not give.');

export function createDeviceCheckStore(deps: DeviceCheckDeps) {
  let controller: AbortController | null = null;
  return createStore<DeviceCheckState>()((set, get) => ({
    status: 'idle',
    modelId: null,
    direction: null,
    total: 0,
    results: [],
    summary: [],
    ranOn: null,
    error: null,

    async run({ modelId, labels, imageSize, cases, direction, settings }) {
      if (get().status === 'running') return;
      let jobs;
      try {
        jobs = planDeviceCheck(cases, direction, settings);
        if (labels.length === 0) throw new Error('This model has no phantom classifier, so generated findings cannot be read.');
      } catch (e) {
        set({ status: 'error', modelId, error: sentence(e) });
        return;
      }
      controller?.abort();
      const current = new AbortController();
      controller = current;
      set({ status: 'running', modelId, direction, total: jobs.length, results: [], summary: [], ranOn: null, error: null });
      try {
        for (const [k, job] of jobs.entries()) {
          const example = cases[k] as ExampleCase;
          const inputs: ConditionInput[] = [];
          for (const m of job.inputs) {
            if (m === 'report') inputs.push({ modality: 'report', weight: 1, text: example.report });
            else inputs.push({ modality: m, weight: 1, image: await deps.loadImage(example, m, imageSize) });
          }
          const result = await deps.runJob({ jobId: deps.newJobId(), modelId, inputs, outputs: job.outputs, settings: job.settings }, { signal: current.signal, onEvent: () => undefined });
          const findings: { -readonly [K in keyof OutputFindings]: OutputFindings[K] } = {};
          if (result.outputs.report !== undefined) findings.report = labelPhantomReport(result.outputs.report).labels;
          for (const m of ['frontal', 'lateral'] as const) {
            const image = result.outputs[m];
            if (image) findings[m] = await deps.classify(modelId, image);
          }
          const results = [...get().results, checkCase(example, findings, labels)];
          set({ results, summary: summariseDeviceCheck(results), ranOn: get().ranOn ?? `${result.variant}, ${result.backend === 'webgpu' ? 'WebGPU' : 'WASM'}` });
        }
        set({ status: 'done' });
      } catch (e) {
        const aborted = current.signal.aborted || (e instanceof Error && e.name === 'AbortError');
        set({ status: aborted ? 'cancelled' : 'error', error: aborted ? null : sentence(e) });
      } finally {
        if (controller === current) controller = null;
      }
    },

    cancel() {
      controller?.abort();
    },
  }));
}
