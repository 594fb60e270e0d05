/**
 * @file One generation job, composed from the stages (diffusers' `__call__`): validate → fetch what the job needs
 * → encode conditions → denoise → decode. No math of its own. B = 1.
 *
 * Any non-empty set of distinct inputs → any non-empty set of outputs disjoint from it (the 12 directions of
 * spec §5 and the rest). The result records input hashes, never the inputs; everything it returns is synthetic.
 */
import type { Backend, ConditionInput, GenerationRequest, GenerationSettings, GreyImage, JobEvent, JobPhaseTiming, JobResult } from '../../src/contracts/job';
import type { ModelEntry } from '../../src/contracts/manifest-schema';
import type { Modality } from '../../src/contracts/modality';
import { DIRECTIONS, MODALITIES, directionId } from '../../src/contracts/modality';
import { sha256Hex } from '../registry/sha256';
import { createRunStats } from '../runtime/session';
import type { FeedTensor, KeptOutputs, OutputTensor, RunStats } from '../runtime/session';
import type { PipelineContext, TextTools, Unconditional } from './context';
import { throwIfAborted, yieldClock } from './context';
import { decodeImage, decodeReport } from './decode-outputs';
import { STEP_GRAPH, denoise, denoiseComponents, hasStepGraph } from './denoise-loop';
import { encodeConditions } from './encode-conditions';

const LABEL: Record<Modality, string> = { frontal: 'frontal image', lateral: 'lateral image', report: 'report' };

/** Thrown for requests the user can fix; the message is meant to be shown as is. */
export class RequestError extends Error {
  override readonly name = 'RequestError';
}

function fail(message: string): never {
  throw new RequestError(message);
}

function validateImage(input: ConditionInput & { image?: GreyImage }): void {
  const label = LABEL[input.modality];
  const img = input.image;
  if (!img || typeof img !== 'object') fail(`The ${label} input has no image.`);
  const { width, height } = img;
  const pixels: unknown = img.pixels;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    fail(`The ${label} input has an invalid size (${String(width)}×${String(height)}).`);
  }
  if (!(pixels instanceof Uint8ClampedArray || pixels instanceof Uint8Array)) {
    fail(`The ${label} input must be an 8-bit grey image (one byte per pixel).`);
  }
  const count = pixels.length;
  if (count !== width * height) {
    fail(
      `The ${label} input is not a single-channel grey image: ${count} values for ${width}×${height} pixels` +
        (count === width * height * 4 ? ' (looks like RGBA; convert it to grey first).' : '.'),
    );
  }
}

function validateSettings(s: GenerationSettings): void {
  const intIn = (v: number, lo: number, hi: number) => Number.isInteger(v) && v >= lo && v <= hi;
  if (!s || typeof s !== 'object') fail('The request has no settings.');
  if (!intIn(s.steps, 1, 1000)) fail(`Steps must be a whole number from 1 to 1000 (got ${String(s.steps)}).`);
  if (!Number.isFinite(s.guidanceScale) || s.guidanceScale < 0) fail(`Guidance scale must be a number ≥ 0 (got ${String(s.guidanceScale)}).`);
  if (!Number.isFinite(s.seed)) fail(`The seed must be a number (got ${String(s.seed)}).`);
  if (s.sampler !== 'ddim' && s.sampler !== 'dpmpp-2m') fail(`Unknown sampler "${String(s.sampler)}".`);
  if (!Number.isFinite(s.eta) || s.eta < 0) fail(`Eta must be a number ≥ 0 (got ${String(s.eta)}).`);
  if (!intIn(s.previewEvery, 0, 1000)) fail(`Preview interval must be a whole number ≥ 0 (got ${String(s.previewEvery)}).`);
  if (!Number.isFinite(s.temperature) || s.temperature < 0) fail(`Temperature must be a number ≥ 0 (got ${String(s.temperature)}).`);
  if (!(s.topP > 0 && s.topP <= 1)) fail(`Top-p must be in (0, 1] (got ${String(s.topP)}).`);
  if (!intIn(s.maxTokens, 1, 10_000)) fail(`Max tokens must be a whole number ≥ 1 (got ${String(s.maxTokens)}).`);
}

/** What a job needs from the model, by name. */
export interface JobNeeds {
  readonly components: string[];
  readonly tokenizers: string[];
  readonly assets: string[];
}

export function jobNeeds(model: ModelEntry, request: GenerationRequest, options: { readonly stepOnDevice?: boolean } = {}): JobNeeds {
  const inputs = new Set(request.inputs.map((i) => i.modality));
  const outputs = request.outputs;
  const components = new Set<string>();
  if (inputs.has('report')) components.add('clip_text');
  if (inputs.has('frontal') || inputs.has('lateral')) components.add('clip_vision');
  for (const c of denoiseComponents(outputs)) components.add(c);
  if (options.stepOnDevice) components.add(STEP_GRAPH);
  if (outputs.includes('frontal') || outputs.includes('lateral')) components.add('vae_decoder');
  if (outputs.includes('report')) {
    components.add('gpt2_init');
    components.add('gpt2_step');
  }
  const tokenizers: string[] = [];
  if (inputs.has('report')) tokenizers.push(model.textEncoder.tokenizer);
  if (outputs.includes('report') && !tokenizers.includes(model.textDecoder.tokenizer)) tokenizers.push(model.textDecoder.tokenizer);
  return { components: [...components], tokenizers, assets: ['unconditional'] };
}

/**
 * Checks a request before it is queued. Throws a RequestError with a sentence for the user.
 * With `model`, also checks that the model has every graph the direction needs.
 */
export function validateRequest(request: GenerationRequest, model?: ModelEntry): void {
  if (!request || typeof request !== 'object') fail('The request is empty.');
  if (typeof request.jobId !== 'string' || request.jobId === '') fail('The request has no job id.');
  const inputs: readonly ConditionInput[] = Array.isArray(request.inputs) ? request.inputs : [];
  const outputs: readonly Modality[] = Array.isArray(request.outputs) ? request.outputs : [];
  if (inputs.length === 0) fail('Choose at least one input: a frontal image, a lateral image or a report.');
  if (outputs.length === 0) fail('Choose at least one output to generate.');
  const seenIn = new Set<Modality>();
  for (const input of inputs) {
    if (!MODALITIES.includes(input?.modality)) fail(`Unknown input kind "${String(input?.modality)}".`);
    if (seenIn.has(input.modality)) fail(`Only one ${LABEL[input.modality]} input is allowed.`);
    seenIn.add(input.modality);
    if (!Number.isFinite(input.weight) || input.weight <= 0) fail(`The ${LABEL[input.modality]} input needs a weight > 0.`);
    if (input.modality === 'report') {
      if (typeof input.text !== 'string' || input.text.trim() === '') {
        fail('The report is empty: type or paste a report, or remove the report input.');
      }
    } else {
      validateImage(input);
    }
  }
  const seenOut = new Set<Modality>();
  for (const m of outputs) {
    if (!MODALITIES.includes(m)) fail(`Unknown output kind "${String(m)}".`);
    if (seenOut.has(m)) fail(`The ${LABEL[m]} output is listed twice.`);
    seenOut.add(m);
    if (seenIn.has(m)) fail(`The ${LABEL[m]} is both an input and an output: remove it from one of them.`);
  }
  validateSettings(request.settings);
  if (model) {
    const names = new Set(model.components.map((c) => c.name));
    const missing = jobNeeds(model, request).components.filter((c) => !names.has(c));
    if (missing.length > 0) {
      fail(`Model ${model.id} cannot run ${findDirectionId(inputs.map((i) => i.modality), outputs)}: it has no ${missing.join(', ')} graph${missing.length > 1 ? 's' : ''}.`);
    }
  }
}

/** The id from DIRECTIONS when the sets match one (e.g. `F>T+L`), else inputs/outputs in F, L, T order. */
export function findDirectionId(inputs: readonly Modality[], outputs: readonly Modality[]): string {
  const same = (a: readonly Modality[], b: readonly Modality[]) => a.length === b.length && a.every((m) => b.includes(m));
  const known = DIRECTIONS.find((d) => same(d.inputs, inputs) && same(d.outputs, outputs));
  if (known) return known.id;
  const order = (ms: readonly Modality[]) => MODALITIES.filter((m) => ms.includes(m));
  return directionId(order(inputs), order(outputs));
}

/** What generate() needs from its host (the engine, or a node test). */
export interface GenerateEnv {
  readonly model: ModelEntry;
  readonly variant: string;
  /** The backend sessions run on now (may turn to 'wasm' mid-job after a WebGPU failure). */
  backend(): Backend;
  /** Makes sure the named graphs, tokenizers and assets are available (downloads, with progress events). */
  prepare(needs: JobNeeds, signal: AbortSignal): Promise<void>;
  run(component: string, feeds: Record<string, FeedTensor>, stats: RunStats): Promise<Record<string, OutputTensor>>;
  /** `run` that leaves the graph's device outputs on the GPU (omitted: everything is read back). */
  runKeeping?(component: string, feeds: Record<string, FeedTensor>, stats: RunStats): Promise<KeptOutputs>;
  /** Whether the denoise loop runs its updates in the model's step graph (omitted: exactly when on WebGPU). */
  stepOnDevice?(): boolean;
  loadUnconditional(): Promise<Unconditional>;
  loadTextTools(needs: { readonly clip: boolean; readonly gpt2: boolean }): Promise<TextTools>;
}

export async function generate(
  request: GenerationRequest,
  env: GenerateEnv,
  signal: AbortSignal,
  emit: (event: JobEvent) => void,
): Promise<JobResult> {
  const started = performance.now();
  const { model } = env;
  validateRequest(request, model);
  const stats = createRunStats();
  const keep = env.runKeeping?.bind(env);
  const ctx: PipelineContext = {
    jobId: request.jobId,
    model,
    signal,
    stats,
    emit,
    run: (component, feeds) => env.run(component, feeds, stats),
    ...(keep ? { runKeeping: (component: string, feeds: Record<string, FeedTensor>) => keep(component, feeds, stats) } : {}),
    stepOnDevice: !!keep && hasStepGraph(model) && (env.stepOnDevice?.() ?? env.backend() === 'webgpu'),
  };
  const needs = jobNeeds(model, request, { stepOnDevice: ctx.stepOnDevice === true });
  const phases: JobPhaseTiming[] = [];
  let phaseStart = started;
  let phaseRunMs = 0;
  let phaseYieldMs = yieldClock.ms;
  const endPhase = (phase: JobPhaseTiming['phase']) => {
    const now = performance.now();
    phases.push({ phase, wallMs: now - phaseStart, sessionRunMs: stats.sessionRunMs - phaseRunMs, yieldMs: yieldClock.ms - phaseYieldMs });
    phaseStart = now;
    phaseRunMs = stats.sessionRunMs;
    phaseYieldMs = yieldClock.ms;
  };
  await env.prepare(needs, signal);
  throwIfAborted(signal);

  const inputKinds = new Set(request.inputs.map((i) => i.modality));
  const wantClip = inputKinds.has('report');
  const wantGpt2 = request.outputs.includes('report');
  const [uncond, text] = await Promise.all([
    env.loadUnconditional(),
    wantClip || wantGpt2 ? env.loadTextTools({ clip: wantClip, gpt2: wantGpt2 }) : Promise.resolve(null),
  ]);
  throwIfAborted(signal);
  endPhase('prepare');

  const context = await encodeConditions(ctx, request.inputs, text, uncond);
  endPhase('encode');
  let stepsRun = 0;
  const latents = await denoise(ctx, {
    targets: request.outputs,
    context,
    settings: request.settings,
    onStep: (step) => {
      stepsRun = step;
    },
  });

  endPhase('denoise');

  const outputs: { frontal?: GreyImage; lateral?: GreyImage; report?: string } = {};
  for (const m of request.outputs) {
    throwIfAborted(signal);
    emit({ type: 'decode', jobId: request.jobId, modality: m });
    const latent = latents.get(m) as Float32Array;
    if (m === 'report') {
      outputs.report = await decodeReport(ctx, latent, text as TextTools, { settings: request.settings, seed: request.settings.seed });
    } else {
      outputs[m] = await decodeImage(ctx, latent);
    }
  }

  endPhase('decode');

  const inputs = await Promise.all(
    request.inputs.map(async (i) => ({
      modality: i.modality,
      weight: i.weight,
      sha256: await sha256Hex(i.modality === 'report' ? i.text : i.image.pixels),
    })),
  );
  endPhase('finish');
  return {
    jobId: request.jobId,
    modelId: model.id,
    modelVersion: model.version,
    variant: env.variant,
    backend: env.backend(),
    directionId: findDirectionId(request.inputs.map((i) => i.modality), request.outputs),
    settings: request.settings,
    inputs,
    outputs,
    timings: { totalMs: performance.now() - started, sessionRunMs: stats.sessionRunMs, sessionRuns: stats.runs, stepsRun, phases },
    createdAt: new Date().toISOString(),
    synthetic: true,
  };
}
