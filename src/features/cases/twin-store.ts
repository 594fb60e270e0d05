/**
 * @file State and actions of the anonymisation twin screen (zustand). Real inputs live only in this in-memory
 * store: never written to IndexedDB, never exported, dropped by `clearReal()` and on reload. The twin's results
 * are ordinary synthetic records (inputs as hashes only). Job running and classification are injected, so the
 * flow is unit-tested without a worker.
 */
import { createStore } from 'zustand/vanilla';
import type { ClassifierResult } from '../../contracts/engine-api';
import type { ConditionInput, GenerationRequest, GenerationSettings, GreyImage, JobEvent, JobResult } from '../../contracts/job';
import type { ImageModality } from '../../contracts/modality';
import { errorSentence } from '../../domain/error-sentence';
import { labelPhantomReport } from '../../domain/labeler-rules';
import { probsByLabel } from '../../domain/result-findings';
import { planTwin, type CaseFindings, type RealCase } from '../../domain/io/twin-plan';
import { recordFromResult, type ResultRecord } from '../../domain/result-record';

export interface TwinDeps {
  readonly runJob: (request: GenerationRequest, options: { signal: AbortSignal; onEvent: (e: JobEvent) => void }) => Promise<JobResult>;
  readonly classify: (modelId: string, image: GreyImage) => Promise<ClassifierResult>;
  readonly newJobId: () => string;
}

export interface TwinOutputs {
  readonly frontal?: GreyImage;
  readonly lateral?: GreyImage;
  readonly report?: string;
}

export interface TwinState {
  readonly real: RealCase;
  readonly realNames: Partial<Record<ImageModality, string>>;
  readonly status: 'idle' | 'running' | 'done' | 'cancelled' | 'error';
  readonly stepLabel: string | null;
  readonly progress: number;
  readonly twin: TwinOutputs;
  readonly records: readonly ResultRecord[];
  readonly findings: { readonly real: CaseFindings; readonly twin: CaseFindings } | null;
  readonly error: string | null;
  setRealImage(modality: ImageModality, image: GreyImage | null, name?: string): void;
  setRealReport(text: string): void;
  clearReal(): void;
  run(modelId: string, settings: GenerationSettings, classifierLabels: readonly string[] | null): Promise<void>;
  cancel(): void;
}

async function findingsOf(c: TwinOutputs, modelId: string, labels: readonly string[] | null, classify: TwinDeps['classify']): Promise<CaseFindings> {
  const imageProbs: Partial<Record<ImageModality, Record<string, number>>> = {};
  if (labels) {
    for (const m of ['frontal', 'lateral'] as const) {
      const image = c[m];
      if (!image) continue;
      const result = await classify(modelId, image);
      imageProbs[m] = probsByLabel(result);
    }
  }
  return {
    ...(c.report !== undefined && c.report.trim() !== '' ? { reportLabels: labelPhantomReport(c.report).labels } : {}),
    ...(Object.keys(imageProbs).length > 0 ? { imageProbs } : {}),
  };
}

const twinFailure = (e: unknown) => errorSentence(e, 'The twin was not made, for a reason the browser did not give.');

export function createTwinStore(deps: TwinDeps) {
  let controller: AbortController | null = null;
  return createStore<TwinState>()((set, get) => ({
    real: {},
    realNames: {},
    status: 'idle',
    stepLabel: null,
    progress: 0,
    twin: {},
    records: [],
    findings: null,
    error: null,

    setRealImage(modality, image, name) {
      set((s) => {
        const real = { ...s.real };
        const realNames = { ...s.realNames };
        if (image) {
          real[modality] = image;
          realNames[modality] = name ?? modality;
        } else {
          delete real[modality];
          delete realNames[modality];
        }
        return { real, realNames, findings: null };
      });
    },
    setRealReport(text) {
      set((s) => {
        const real = { ...s.real };
        if (text === '') delete real.report;
        else real.report = text;
        return { real, findings: null };
      });
    },
    clearReal() {
      set({ real: {}, realNames: {}, findings: null });
    },

    async run(modelId, settings, classifierLabels) {
      let steps;
      try {
        steps = planTwin(get().real);
      } catch (e) {
        set({ status: 'error', error: twinFailure(e) });
        return;
      }
      controller?.abort();
      controller = new AbortController();
      const signal = controller.signal;
      const real = get().real;
      set({ status: 'running', error: null, twin: {}, records: [], findings: null, progress: 0 });
      const twin: { frontal?: GreyImage; lateral?: GreyImage; report?: string } = {};
      const records: ResultRecord[] = [];
      try {
        for (const [index, step] of steps.entries()) {
          set({ stepLabel: `Step ${index + 1} of ${steps.length}: ${step.label}` });
          const inputs: ConditionInput[] = step.inputs.map(({ modality, from }) => {
            const source = from === 'real' ? real : twin;
            if (modality === 'report') return { modality, weight: 1, text: source.report ?? '' };
            const image = source[modality];
            if (!image) throw new Error(`The ${from} ${modality} image is missing.`);
            return { modality, weight: 1, image };
          });
          const request: GenerationRequest = {
            jobId: deps.newJobId(),
            modelId,
            inputs,
            outputs: step.outputs,
            // Each step gets its own seed so the two jobs do not share noise.
            settings: { ...settings, seed: (settings.seed + index) >>> 0, previewEvery: 0 },
          };
          const result = await deps.runJob(request, {
            signal,
            onEvent: (e) => {
              if (e.type === 'denoise') set({ progress: (index + e.step / e.totalSteps) / steps.length });
            },
          });
          Object.assign(twin, result.outputs);
          records.push(recordFromResult(result));
          set({ twin: { ...twin }, records: [...records] });
        }
        set({ stepLabel: 'Finding the findings…', progress: 1 });
        const findings = { real: await findingsOf(real, modelId, classifierLabels, deps.classify), twin: await findingsOf(twin, modelId, classifierLabels, deps.classify) };
        set({ status: 'done', stepLabel: null, findings });
      } catch (e) {
        const aborted = (e instanceof Error && e.name === 'AbortError') || signal.aborted;
        set({ status: aborted ? 'cancelled' : 'error', stepLabel: null, error: aborted ? null : twinFailure(e) });
      }
    },
    cancel() {
      controller?.abort();
    },
  }));
}
