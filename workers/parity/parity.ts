/**
 * @file Replays the toolchain's parity fixtures through the real pipeline stages (`EngineApi.runParity`).
 *
 * - Per graph: the fixture inputs through the graph's session, every output compared with PyTorch's.
 * - Whole runs: raw inputs → CLIP tokenizer → `clip_text` / CLIP image preprocessing → `clip_vision` → mixing →
 *   guided DDIM (the TS sampler) with a NoiseSource that replays, per stream, exactly the tensors PyTorch drew →
 *   `vae_decoder` / greedy `gpt2_*` decoding. Intermediate tensors are captured from the graph calls, so the
 *   stages run unmodified.
 * Nothing here asserts: it measures, and the caller (vitest, Playwright) decides.
 */
import type { ConditionInput, GenerationSettings, GreyImage, JobEvent } from '../../src/contracts/job';
import type { ModelEntry } from '../../src/contracts/manifest-schema';
import type { Modality } from '../../src/contracts/modality';
import type {
  GraphFixtures,
  GraphParityResult,
  ParityRequest,
  RunFixture,
  RunFixtures,
  RunParityResult,
  TensorFixture,
} from '../../src/contracts/parity';
import type { NoiseFactory, PipelineContext, TextTools, Unconditional } from '../pipeline/context';
import { pickOutput } from '../pipeline/context';
import { decodeImage, sampleReportTokens } from '../pipeline/decode-outputs';
import { denoise, hasStepGraph } from '../pipeline/denoise-loop';
import { encodeConditions } from '../pipeline/encode-conditions';
import type { NoiseSource } from '../schedulers/sampler';
import { createRunStats, float32, int64 } from '../runtime/session';
import type { FeedTensor, KeptOutputs, OutputTensor, RunStats } from '../runtime/session';

/** What the checks need from their host (the engine). */
export interface ParityHost {
  readonly model: ModelEntry;
  readonly signal: AbortSignal;
  run(component: string, feeds: Record<string, FeedTensor>, stats: RunStats): Promise<Record<string, OutputTensor>>;
  /** The engine's `run` that keeps the report decoder's KV cache on the GPU, so whole runs test that path too. */
  runKeeping?(component: string, feeds: Record<string, FeedTensor>, stats: RunStats): Promise<KeptOutputs>;
  loadUnconditional(): Promise<Unconditional>;
  loadTextTools(needs: { readonly clip: boolean; readonly gpt2: boolean }): Promise<TextTools>;
  emit?(event: JobEvent): void;
  /** Whole runs step their latents in the `latent_step` graph (see ParityRequest.stepGraph). */
  readonly stepOnDevice?: boolean;
}

export type DecodedTensor =
  | { readonly dtype: 'float32'; readonly data: Float32Array; readonly shape: readonly number[] }
  | { readonly dtype: 'int64'; readonly data: BigInt64Array; readonly shape: readonly number[] }
  | { readonly dtype: 'uint8'; readonly data: Uint8Array; readonly shape: readonly number[] };

function base64Bytes(b64: string): Uint8Array {
  const binary = atob(b64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Decodes a fixture tensor (little-endian, as every platform the studio runs on). */
export function decodeTensor(t: TensorFixture): DecodedTensor {
  const bytes = base64Bytes(t.b64);
  const count = t.shape.reduce((a, b) => a * b, 1);
  const size = t.dtype === 'int64' ? 8 : t.dtype === 'float32' ? 4 : 1;
  if (bytes.length !== count * size) throw new Error(`Fixture tensor has ${bytes.length} bytes, expected ${count * size} for ${t.dtype}[${t.shape.join(',')}]`);
  switch (t.dtype) {
    case 'float32':
      return { dtype: 'float32', data: new Float32Array(bytes.buffer, 0, count), shape: t.shape };
    case 'int64':
      return { dtype: 'int64', data: new BigInt64Array(bytes.buffer, 0, count), shape: t.shape };
    case 'uint8':
      return { dtype: 'uint8', data: bytes, shape: t.shape };
    default:
      throw new Error(`Unknown fixture dtype ${String((t as { dtype: unknown }).dtype)}`);
  }
}

function floatTensor(t: TensorFixture): Float32Array {
  const d = decodeTensor(t);
  if (d.dtype !== 'float32') throw new Error(`Expected a float32 fixture tensor, got ${d.dtype}`);
  return d.data;
}

/** max |a − b|; Infinity when the lengths differ or a value is NaN. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs((a[i] as number) - (b[i] as number));
    if (!(d <= worst)) worst = Number.isNaN(d) ? Infinity : d;
  }
  return worst;
}

const sameShape = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((v, i) => v === b[i]);

/** Every graph of graphs.json (or `names`) through its session. */
export async function graphParity(host: ParityHost, fixtures: GraphFixtures, names?: readonly string[]): Promise<GraphParityResult[]> {
  const results: GraphParityResult[] = [];
  for (const graph of names ?? Object.keys(fixtures.graphs)) {
    const fx = fixtures.graphs[graph];
    const problems: string[] = [];
    const outputs: Record<string, number> = {};
    const started = performance.now();
    if (!fx) {
      results.push({ graph, maxAbsError: Infinity, outputs, problems: ['no fixture for this graph'], ms: 0 });
      continue;
    }
    const feeds: Record<string, FeedTensor> = {};
    for (const [name, t] of Object.entries(fx.inputs)) {
      const d = decodeTensor(t);
      if (d.dtype === 'float32') feeds[name] = float32(d.data, d.shape);
      else if (d.dtype === 'int64') feeds[name] = int64(d.data, d.shape);
      else feeds[name] = float32(Float32Array.from(d.data), d.shape);
    }
    let out: Record<string, OutputTensor> | null = null;
    try {
      out = await host.run(graph, feeds, createRunStats());
    } catch (e) {
      problems.push(`run failed: ${e instanceof Error ? e.message : String(e)}`);
    }
    for (const [name, t] of Object.entries(fx.outputs)) {
      const expected = decodeTensor(t);
      const ours = out?.[name];
      if (!ours) {
        if (out) problems.push(`no output "${name}"`);
        outputs[name] = Infinity;
        continue;
      }
      if (!sameShape(ours.dims, expected.shape)) {
        problems.push(`output "${name}" has shape [${ours.dims.join(',')}], PyTorch [${expected.shape.join(',')}]`);
        outputs[name] = Infinity;
        continue;
      }
      const ref = expected.dtype === 'int64' ? Float32Array.from(expected.data, Number) : expected.data;
      outputs[name] = maxAbsDiff(ours.data, ref);
    }
    const values = Object.values(outputs);
    results.push({
      graph,
      maxAbsError: problems.length > 0 && values.length === 0 ? Infinity : Math.max(0, ...values),
      outputs,
      problems,
      ms: performance.now() - started,
    });
  }
  return results;
}

/** Replays recorded noise per stream; `problems()` lists streams not used exactly as recorded. */
export function replayNoise(recorded: Readonly<Record<string, readonly TensorFixture[]>>): { factory: NoiseFactory; problems(): string[] } {
  const used = new Map<string, number>();
  const problems: string[] = [];
  const factory: NoiseFactory = (stream: string): NoiseSource => {
    const tensors = recorded[stream];
    if (!tensors) throw new Error(`The fixtures recorded no noise stream "${stream}"`);
    used.set(stream, used.get(stream) ?? 0);
    return {
      normal(count: number): Float32Array {
        const i = used.get(stream) ?? 0;
        const t = tensors[i];
        if (!t) throw new Error(`Noise stream "${stream}" drew more than the ${tensors.length} recorded tensors`);
        used.set(stream, i + 1);
        const z = floatTensor(t);
        if (z.length !== count) throw new Error(`Noise stream "${stream}" draw ${i}: asked for ${count} values, PyTorch drew ${z.length}`);
        return z;
      },
    };
  };
  return {
    factory,
    problems() {
      const out = [...problems];
      for (const [stream, tensors] of Object.entries(recorded)) {
        const n = used.get(stream) ?? 0;
        if (n !== tensors.length) out.push(`stream "${stream}": drew ${n} of ${tensors.length} recorded tensors`);
      }
      return out;
    },
  };
}

/** The uint8 [H,W] tensor an image input names (e.g. "frontal_u8" → `frontalU8`). */
function inputImage(root: RunFixtures, ref: string): GreyImage {
  const camel = ref.replace(/_([a-z0-9])/gi, (_, c: string) => c.toUpperCase());
  const t = (root as unknown as Record<string, TensorFixture | undefined>)[ref] ?? (root as unknown as Record<string, TensorFixture | undefined>)[camel];
  if (!t) throw new Error(`runs.json has no image "${ref}"`);
  const d = decodeTensor(t);
  if (d.dtype !== 'uint8' || d.shape.length !== 2) throw new Error(`runs.json image "${ref}" is not uint8 [H,W]`);
  return { width: d.shape[1] as number, height: d.shape[0] as number, pixels: new Uint8ClampedArray(d.data) };
}

/** Display values v = clamp((x[0]+1)/2, 0, 1) of a decoder output [1,C,H,W] (spec §4.1). */
function displayValues(image: OutputTensor): Float32Array {
  const [, , h = 0, w = 0] = image.dims;
  const plane = h * w;
  const out = new Float32Array(plane);
  for (let i = 0; i < plane; i++) out[i] = Math.min(Math.max(((image.data[i] as number) + 1) / 2, 0), 1);
  return out;
}

/** One whole run of runs.json through the pipeline stages. */
export async function wholeRunParity(host: ParityHost, root: RunFixtures, name: string): Promise<RunParityResult> {
  const fx: RunFixture | undefined = root.runs[name];
  if (!fx) throw new Error(`runs.json has no run "${name}" (it has ${Object.keys(root.runs).join(', ')})`);
  const started = performance.now();
  const { model } = host;
  const stats = createRunStats();
  const captured = new Map<string, { feeds: Record<string, FeedTensor>; out: Record<string, OutputTensor> }[]>();
  const noise = replayNoise(fx.noise);
  const keep = host.runKeeping?.bind(host);
  const ctx: PipelineContext = {
    jobId: `parity:${name}`,
    model,
    signal: host.signal,
    stats,
    emit: (event) => host.emit?.(event),
    noise: noise.factory,
    run: async (component, feeds) => {
      const out = await host.run(component, feeds, stats);
      if (component === 'clip_text' || component === 'clip_vision' || component === 'vae_decoder') {
        const list = captured.get(component) ?? [];
        list.push({ feeds, out });
        captured.set(component, list);
      }
      return out;
    },
    ...(keep ? { runKeeping: (component: string, feeds: Record<string, FeedTensor>) => keep(component, feeds, stats) } : {}),
    stepOnDevice: !!keep && !!host.stepOnDevice && hasStepGraph(model),
  };
  const problems: string[] = [];
  const settings: GenerationSettings = {
    steps: fx.steps,
    guidanceScale: fx.guidanceScale,
    eta: fx.eta,
    sampler: 'ddim',
    seed: 0,
    previewEvery: 0,
    temperature: 0,
    topP: 1,
    maxTokens: model.textDecoder.maxLength,
  };

  // Inputs (weight 1 each, as the fixtures) in the fixture's order.
  const inputs: ConditionInput[] = [];
  for (const [modality, value] of Object.entries(fx.inputs) as [Modality, string][]) {
    if (modality === 'report') inputs.push({ modality, weight: 1, text: value });
    else inputs.push({ modality, weight: 1, image: inputImage(root, value) });
  }
  const wantClip = inputs.some((i) => i.modality === 'report');
  const wantGpt2 = fx.targets.includes('report');
  const [uncond, text] = await Promise.all([
    host.loadUnconditional(),
    wantClip || wantGpt2 ? host.loadTextTools({ clip: wantClip, gpt2: wantGpt2 }) : Promise.resolve(null),
  ]);

  const context = await encodeConditions(ctx, inputs, text, uncond);
  const conditionMaxAbs: Record<string, number> = {};
  const latentMaxAbs: Record<string, number> = {};
  const imageMaxAbs: Record<string, number> = {};
  const imageU8MaxDiff: Record<string, number> = {};
  const result: {
    -readonly [K in keyof RunParityResult]: RunParityResult[K];
  } = {
    name,
    conditionMaxAbs,
    latentMaxAbs,
    imageMaxAbs,
    imageU8MaxDiff,
    noiseProblems: [],
    problems,
    ms: 0,
    sessionRunMs: 0,
    keptOnDevice: 0,
    stepGraph: !!ctx.stepOnDevice,
  };

  // Encoders: tokenizer ids, CLIP pixel values, condition embeddings.
  const clipText = captured.get('clip_text')?.[0];
  if (wantClip) {
    const ids = clipText?.feeds['input_ids'];
    const expected = decodeTensor(root.clipInputIds);
    result.clipIdsEqual = !!ids && ids.type === 'int64' && expected.dtype === 'int64' && ids.data.length === expected.data.length && ids.data.every((v, i) => v === expected.data[i]);
    if (!result.clipIdsEqual && ids && ids.type !== 'device') problems.push(`CLIP ids differ: ours [${[...ids.data].slice(0, 12).join(',')}…], PyTorch [${[...expected.data].slice(0, 12).join(',')}…]`);
  }
  const clipVision = captured.get('clip_vision')?.[0];
  if (clipVision) {
    const pixels = clipVision.feeds['pixel_values'];
    result.clipPixelMaxAbs = pixels?.type === 'float32' ? maxAbsDiff(pixels.data, floatTensor(root.clipPixelValues)) : Infinity;
  }
  for (const [modality, t] of Object.entries(fx.conditions) as [Modality, TensorFixture][]) {
    const call = modality === 'report' ? clipText : clipVision;
    const embed = call ? pickOutput(call.out, modality === 'report' ? 'text_embed' : 'image_embed', modality === 'report' ? 'clip_text' : 'clip_vision') : null;
    conditionMaxAbs[modality] = embed ? maxAbsDiff(embed.data, floatTensor(t)) : Infinity;
  }

  // Denoise with the replayed noise.
  const latents = await denoise(ctx, { targets: fx.targets, context, settings });
  result.noiseProblems = noise.problems();
  for (const m of fx.targets) {
    const expected = fx.latents[m];
    const ours = latents.get(m);
    latentMaxAbs[m] = expected && ours ? maxAbsDiff(ours, floatTensor(expected)) : Infinity;
  }

  // Decoders.
  for (const m of fx.targets) {
    const latent = latents.get(m) as Float32Array;
    if (m === 'report') {
      if (!text) throw new Error('The report decoder needs the GPT-2 tokenizer');
      const tokens = await sampleReportTokens(ctx, latent, { settings, seed: 0 });
      result.tokens = tokens;
      result.report = text.decodeGpt2(tokens);
      if (fx.greedyTokens) {
        result.expectedTokens = fx.greedyTokens;
        result.tokensEqual = tokens.length === fx.greedyTokens.length && tokens.every((v, i) => v === fx.greedyTokens?.[i]);
      }
      continue;
    }
    const before = captured.get('vae_decoder')?.length ?? 0;
    const grey = await decodeImage(ctx, latent);
    const decoded = captured.get('vae_decoder')?.[before];
    const expected = fx.images?.[m];
    if (!decoded || !expected) {
      imageMaxAbs[m] = Infinity;
      continue;
    }
    const ref = floatTensor(expected);
    imageMaxAbs[m] = maxAbsDiff(displayValues(pickOutput(decoded.out, 'image', 'vae_decoder')), ref);
    imageU8MaxDiff[m] = maxAbsDiff(grey.pixels, Array.from(ref, (v) => Math.round(255 * v)));
  }
  result.ms = performance.now() - started;
  result.sessionRunMs = stats.sessionRunMs;
  result.keptOnDevice = stats.keptOnDevice;
  return result;
}

/** Runs the requested graph and whole-run checks (graphs first). */
export async function runParityChecks(host: ParityHost, request: ParityRequest): Promise<{ graphs: GraphParityResult[]; runs: RunParityResult[] }> {
  const graphs = request.graphs ? await graphParity(host, request.graphs, request.graphNames) : [];
  const runs: RunParityResult[] = [];
  if (request.runs) {
    for (const name of request.runNames ?? Object.keys(request.runs.runs)) runs.push(await wholeRunParity(host, request.runs, name));
  }
  return { graphs, runs };
}
