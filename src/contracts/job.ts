import type { ImageModality, Modality } from './modality';

/** An 8-bit single-channel image, row-major. Used for inputs after decoding and for outputs. */
export interface GreyImage {
  readonly width: number;
  readonly height: number;
  readonly pixels: Uint8ClampedArray;
}

/** One conditioning input. Images arrive already decoded to grey pixels (the UI thread decodes files). */
export type ConditionInput =
  | { readonly modality: ImageModality; readonly weight: number; readonly image: GreyImage }
  | { readonly modality: 'report'; readonly weight: number; readonly text: string };

export type SamplerKind = 'ddim' | 'dpmpp-2m';

export interface GenerationSettings {
  /** Denoising steps (DDIM grid of spec §3.2; 50 is the reference). */
  readonly steps: number;
  /** Classifier-free guidance scale s (7.5 in the reference). */
  readonly guidanceScale: number;
  /** Seed for all noise and token sampling; same seed + same inputs → same outputs. */
  readonly seed: number;
  readonly sampler: SamplerKind;
  /** DDIM eta (1 in the reference demo); ignored by DPM-Solver++. */
  readonly eta: number;
  /** Emit a preview of the denoised estimate every N steps; 0 turns previews off. */
  readonly previewEvery: number;
  /** Report decoding. */
  readonly temperature: number;
  readonly topP: number;
  readonly maxTokens: number;
}

export interface GenerationRequest {
  readonly jobId: string;
  readonly modelId: string;
  /** Variant id from the manifest (e.g. `fp32`); omitted = best the device supports. */
  readonly variant?: string;
  readonly inputs: readonly ConditionInput[];
  readonly outputs: readonly Modality[];
  readonly settings: GenerationSettings;
}

export type Backend = 'webgpu' | 'wasm';

/** Typed progress events, one union for everything a job reports (transformers.js ProgressInfo style). */
export type JobEvent =
  | { readonly type: 'queued'; readonly jobId: string }
  | { readonly type: 'download'; readonly jobId: string; readonly file: string; readonly loaded: number; readonly total: number }
  | { readonly type: 'session'; readonly jobId: string; readonly component: string; readonly backend: Backend }
  | { readonly type: 'encode'; readonly jobId: string; readonly modality: Modality }
  | { readonly type: 'denoise'; readonly jobId: string; readonly step: number; readonly totalSteps: number }
  | { readonly type: 'preview'; readonly jobId: string; readonly modality: ImageModality; readonly image: GreyImage; readonly step: number }
  | { readonly type: 'decode'; readonly jobId: string; readonly modality: Modality }
  | { readonly type: 'token'; readonly jobId: string; readonly text: string; readonly count: number }
  | { readonly type: 'done'; readonly jobId: string }
  | { readonly type: 'cancelled'; readonly jobId: string }
  | { readonly type: 'error'; readonly jobId: string; readonly message: string };

/** Where a job's time went, phase by phase (wall time and the part of it inside `session.run`). */
export interface JobPhaseTiming {
  /** prepare (files, tokenizers), encode (conditions), denoise, decode (VAE / report), finish (input hashes). */
  readonly phase: 'prepare' | 'encode' | 'denoise' | 'decode' | 'finish';
  readonly wallMs: number;
  readonly sessionRunMs: number;
  /** Of the time outside session.run, how much went to the loops' event-loop yields (absent in older results). */
  readonly yieldMs?: number;
}

export interface JobTimings {
  readonly totalMs: number;
  /** Time inside onnxruntime `session.run` calls. */
  readonly sessionRunMs: number;
  /** How many `session.run` calls the job made (absent in results saved before it was recorded): the time outside
   * them divided by this is the engine's overhead per graph call, which does not depend on how fast the graphs run. */
  readonly sessionRuns?: number;
  readonly stepsRun: number;
  /** Absent in results saved before phases were recorded. */
  readonly phases?: readonly JobPhaseTiming[];
}

/** What a finished job returns. Everything in `outputs` is synthetic. */
export interface JobResult {
  readonly jobId: string;
  readonly modelId: string;
  readonly modelVersion: string;
  readonly variant: string;
  readonly backend: Backend;
  readonly directionId: string;
  readonly settings: GenerationSettings;
  /** Inputs recorded as hashes (sha256 hex of pixels / text) and weights, never the raw input. */
  readonly inputs: readonly { readonly modality: Modality; readonly weight: number; readonly sha256: string }[];
  readonly outputs: { readonly frontal?: GreyImage; readonly lateral?: GreyImage; readonly report?: string };
  readonly timings: JobTimings;
  readonly createdAt: string;
  readonly synthetic: true;
}
