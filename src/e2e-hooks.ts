/**
 * @file Test and benchmark hooks, loaded only when the page URL has `?e2e=1` (see main.tsx). Installs
 * `window.__medcodiE2E`, which drives its OWN instance of the real engine worker (the built `engine.worker`, a
 * separate instance so the studio UI's engine state cannot interfere): parity checks against the toolchain's
 * fixtures (`EngineApi.runParity`) and timed generation jobs for `npm run bench`. Everything it takes and returns
 * is plain JSON so Playwright's `page.evaluate` can pass it.
 */
import { proxy, wrap } from 'comlink';
import type { Remote } from 'comlink';
import type { EngineApi, EngineInitOptions } from './contracts/engine-api';
import type { Backend, GenerationRequest, GenerationSettings, JobTimings } from './contracts/job';
import type { Modality } from './contracts/modality';
import type { ParityReport, ParityRequest } from './contracts/parity';
import { createCancelFlag } from './contracts/cancel-flag';
import { generateWithEvents } from './engine-client/engine-client';

/** A generation request with images as plain arrays. */
export interface E2EGenerateRequest {
  readonly modelId: string;
  readonly inputs: readonly (
    | { readonly modality: 'report'; readonly weight: number; readonly text: string }
    | { readonly modality: 'frontal' | 'lateral'; readonly weight: number; readonly width: number; readonly height: number; readonly pixels: readonly number[] }
  )[];
  readonly outputs: readonly Modality[];
  readonly settings: GenerationSettings;
  /** Pass a shared cancel flag, as runJob does (default true; false: cancel by message only). */
  readonly cancelFlag?: boolean;
}

export interface E2EGenerateResult {
  readonly backend: Backend;
  readonly directionId: string;
  readonly timings: JobTimings;
  /** Wall time seen by the page (includes the worker round trip). */
  readonly wallMs: number;
  readonly report?: string;
  readonly images: Readonly<Record<string, { readonly width: number; readonly height: number; readonly mean: number }>>;
  readonly events: number;
}

export interface MedcodiE2E {
  /** Starts the engine worker (once) and loads the manifest. */
  init(options?: EngineInitOptions & { readonly manifestUrl?: string }): Promise<{ readonly modelIds: readonly string[]; readonly crossOriginIsolated: boolean; readonly capabilities: unknown }>;
  prepare(modelId: string): Promise<boolean>;
  runParity(request: ParityRequest): Promise<ParityReport>;
  generate(request: E2EGenerateRequest): Promise<E2EGenerateResult>;
  /** `performance.measureUserAgentSpecificMemory()` bytes (page + its workers), or null where unavailable. */
  measureMemory(): Promise<number | null>;
}

declare global {
  interface Window {
    __medcodiE2E?: MedcodiE2E;
  }
}

let engine: Remote<EngineApi> | null = null;
let jobs = 0;

function api(): Remote<EngineApi> {
  if (!engine) throw new Error('__medcodiE2E.init() was not called');
  return engine;
}

export function installE2EHooks(): void {
  const hooks: MedcodiE2E = {
    async init(options = {}) {
      if (!engine) {
        const worker = new Worker(new URL('../workers/engine.worker.ts', import.meta.url), { type: 'module', name: 'medcodi-e2e-engine' });
        engine = wrap<EngineApi>(worker);
      }
      const { manifestUrl, ...rest } = options;
      const url = manifestUrl ?? new URL('models-manifest.json', document.baseURI).href;
      const info = await api().init(url, rest);
      return { modelIds: info.modelIds, crossOriginIsolated: globalThis.crossOriginIsolated, capabilities: info.capabilities };
    },
    async prepare(modelId) {
      const status = await api().prepareModel(modelId, undefined, proxy(() => undefined));
      return status.complete;
    },
    runParity: (request) => api().runParity(request),
    async generate(request) {
      jobs += 1;
      const full: GenerationRequest = {
        jobId: `e2e-${jobs}`,
        modelId: request.modelId,
        inputs: request.inputs.map((i) =>
          i.modality === 'report'
            ? i
            : { modality: i.modality, weight: i.weight, image: { width: i.width, height: i.height, pixels: Uint8ClampedArray.from(i.pixels) } },
        ),
        outputs: request.outputs,
        settings: request.settings,
      };
      let events = 0;
      const started = performance.now();
      // Events on a port of their own and a shared cancel flag, as runJob passes them, so the bench measures the
      // studio's own way of running a job.
      const result = await generateWithEvents(
        api(),
        full,
        () => {
          events += 1;
        },
        request.cancelFlag === false ? undefined : createCancelFlag(),
      );
      const wallMs = performance.now() - started;
      const images: Record<string, { width: number; height: number; mean: number }> = {};
      for (const m of ['frontal', 'lateral'] as const) {
        const img = result.outputs[m];
        if (img) images[m] = { width: img.width, height: img.height, mean: img.pixels.reduce((a, b) => a + b, 0) / img.pixels.length };
      }
      return {
        backend: result.backend,
        directionId: result.directionId,
        timings: result.timings,
        wallMs,
        ...(result.outputs.report !== undefined ? { report: result.outputs.report } : {}),
        images,
        events,
      };
    },
    async measureMemory() {
      const perf = performance as Performance & { measureUserAgentSpecificMemory?: () => Promise<{ bytes: number }> };
      if (!globalThis.crossOriginIsolated || typeof perf.measureUserAgentSpecificMemory !== 'function') return null;
      try {
        return (await perf.measureUserAgentSpecificMemory()).bytes;
      } catch {
        return null;
      }
    },
  };
  window.__medcodiE2E = hooks;
}
