/**
 * @file The guided denoising loop over one or several target latents (spec §3.3–3.9).
 *
 * Per step i (timestep τ_i, highest first) and per target m:
 *   single target:  ε2 = unet_m(cat[x,x], t, ctx)
 *   joint targets:  h = env_m(cat[x,x], t);  ε2 = unet_m_joint(cat[x,x], t, ctx, h)   (h from m's OWN latent)
 *   ε = cfgCombine(ε2, s);  x ← sampler.step(m, i, x, ε, noise_m)
 * Initial noise comes from `forkRng(seed, 'init:'+m)`, step noise from `forkRng(seed, 'step:'+m)`, so adding or
 * removing a target never changes another target's noise (`ctx.noise`, when set, supplies the streams instead).
 * The signal is checked before every graph call.
 *
 * With `ctx.stepOnDevice` the CFG combine and the sampler update run as the model's `latent_step` graph instead
 * (weights from `sampler.linear(i)`, same noise draws), and every latent, ε and h_con stays where the graphs put
 * it: on WebGPU nothing is read back until the final latents (and any preview's x0).
 */
import type { GenerationSettings } from '../../src/contracts/job';
import type { ImageModality, Modality } from '../../src/contracts/modality';
import { cfgCombine, duplicateBatch } from '../schedulers/guidance';
import { forkRng } from '../schedulers/rng';
import { createSampler } from '../schedulers/sampler';
import type { LatentSampler, NoiseSource } from '../schedulers/sampler';
import { asFeed, disposeDeviceTensor, float32, readKept } from '../runtime/session';
import type { DeviceTensor, FeedTensor, KeptOutputs, OutputTensor } from '../runtime/session';
import type { PipelineContext } from './context';
import { checkpoint, graphSuffix, pickOutput, throwIfAborted } from './context';
import { decodeImage } from './decode-outputs';

export interface DenoiseOptions {
  readonly targets: readonly Modality[];
  /** Guided context [2,1,E] (uncond first). */
  readonly context: Float32Array;
  readonly settings: GenerationSettings;
  /** Called after each completed step (1-based). */
  readonly onStep?: (step: number, total: number) => void;
}

/** Latent dims for B = 1 and for the doubled batch N = 2. */
export function latentDims(ctx: PipelineContext, modality: Modality, batch: number): number[] {
  const { image, text } = ctx.model.latents;
  return modality === 'report' ? [batch, text.dim] : [batch, image.channels, image.size, image.size];
}

export function makeSampler(ctx: PipelineContext, settings: GenerationSettings): LatentSampler {
  return createSampler(settings.sampler, ctx.model.schedule, settings.steps, { eta: settings.eta });
}

/** The graph names a denoise over `targets` needs (the step graph aside: see `hasStepGraph`). */
export function denoiseComponents(targets: readonly Modality[]): string[] {
  if (targets.length === 1) return [`unet_${graphSuffix(targets[0] as Modality)}`];
  return targets.flatMap((m) => [`env_${graphSuffix(m)}`, `unet_${graphSuffix(m)}_joint`]);
}

/** The optional weightless graph of one guided sampler update (toolchain/medcodi/step_graph.py). */
export const STEP_GRAPH = 'latent_step';

export function hasStepGraph(model: { readonly components: readonly { readonly name: string }[] }): boolean {
  return model.components.some((c) => c.name === STEP_GRAPH);
}

/**
 * Outputs the denoise graphs leave in GPU memory for `runKeeping` (WebGPU sessions only). Plain `run` still reads
 * them back, so the CPU loop and the parity checks see no difference.
 */
export function denoiseDeviceOutputs(component: string): readonly string[] {
  if (component === STEP_GRAPH) return ['prev', 'prev2', 'x0'];
  if (component.startsWith('unet_')) return ['eps'];
  if (component.startsWith('env_')) return ['h_con'];
  return [];
}

/** Runs the loop and returns the final latent of every target (the sampler's x, not x0). */
export async function denoise(ctx: PipelineContext, options: DenoiseOptions): Promise<Map<Modality, Float32Array>> {
  const { targets, context, settings } = options;
  const joint = targets.length > 1;
  const sampler = makeSampler(ctx, settings);
  const total = sampler.timesteps.length;
  const E = ctx.model.embedDim;
  if (context.length !== 2 * E) throw new Error(`Context has ${context.length} values, expected [2,1,${E}]`);

  const latents = new Map<Modality, Float32Array>();
  const noise = new Map<Modality, NoiseSource>();
  const stream = (name: string): NoiseSource => ctx.noise?.(name) ?? forkRng(settings.seed, name);
  for (const m of targets) {
    const dims = latentDims(ctx, m, 1);
    latents.set(m, stream(`init:${m}`).normal(dims.reduce((a, b) => a * b, 1)));
    noise.set(m, stream(`step:${m}`));
  }
  const contextFeed = float32(context, [2, 1, E]);
  if (ctx.stepOnDevice) return denoiseWithStepGraph(ctx, options, sampler, latents, noise, contextFeed);

  for (let i = 0; i < total; i++) {
    await checkpoint(ctx.signal);
    const t = sampler.timesteps[i] as number;
    const timestep = float32(new Float32Array(2).fill(t), [2]);
    const x0s = new Map<Modality, Float32Array>();
    for (const m of targets) {
      const x = latents.get(m) as Float32Array;
      const sample = float32(duplicateBatch(x), latentDims(ctx, m, 2));
      const suffix = graphSuffix(m);
      let eps2: Float32Array;
      if (joint) {
        const env = await ctx.run(`env_${suffix}`, { sample, timestep });
        const hCon = pickOutput(env, 'h_con', `env_${suffix}`);
        throwIfAborted(ctx.signal);
        const out = await ctx.run(`unet_${suffix}_joint`, { sample, timestep, context: contextFeed, h_con: float32(hCon.data, hCon.dims) });
        eps2 = pickOutput(out, 'eps', `unet_${suffix}_joint`).data;
      } else {
        const out = await ctx.run(`unet_${suffix}`, { sample, timestep, context: contextFeed });
        eps2 = pickOutput(out, 'eps', `unet_${suffix}`).data;
      }
      const eps = cfgCombine(eps2, settings.guidanceScale);
      const { prev, x0 } = sampler.step(m, i, x, eps, noise.get(m) as NoiseSource);
      latents.set(m, prev);
      x0s.set(m, x0);
      throwIfAborted(ctx.signal);
    }
    ctx.emit({ type: 'denoise', jobId: ctx.jobId, step: i + 1, totalSteps: total });
    options.onStep?.(i + 1, total);
    const every = settings.previewEvery;
    if (every > 0 && (i + 1) % every === 0 && i + 1 < total) {
      for (const m of targets) {
        if (m === 'report') continue; // no cheap preview for text
        throwIfAborted(ctx.signal);
        const image = await decodeImage(ctx, x0s.get(m) as Float32Array);
        ctx.emit({ type: 'preview', jobId: ctx.jobId, modality: m as ImageModality, image, step: i + 1 });
      }
    }
  }
  return latents;
}

type Kept = OutputTensor | DeviceTensor;

function keptOutput(outputs: KeptOutputs, name: string, component: string): Kept {
  const t = outputs[name];
  if (!t) throw new Error(`${component} has no output "${name}" (it returned ${Object.keys(outputs).join(', ') || 'nothing'})`);
  return t;
}

/** The loop of `denoise` with every update in the `latent_step` graph; latents stay where the graphs leave them. */
async function denoiseWithStepGraph(
  ctx: PipelineContext,
  options: DenoiseOptions,
  sampler: LatentSampler,
  initial: Map<Modality, Float32Array>,
  noise: Map<Modality, NoiseSource>,
  contextFeed: FeedTensor,
): Promise<Map<Modality, Float32Array>> {
  const run = ctx.runKeeping;
  if (!run) throw new Error('stepOnDevice needs runKeeping');
  if (!hasStepGraph(ctx.model)) throw new Error(`Model ${ctx.model.id} has no ${STEP_GRAPH} graph`);
  const { targets, settings } = options;
  const joint = targets.length > 1;
  const total = sampler.timesteps.length;
  /** Per target: the latent, its doubled batch (the next UNet input) and the last x0 (DPM history, previews). */
  const state = new Map<Modality, { x: FeedTensor | Kept; sample: FeedTensor | Kept; x0: Kept | null }>();
  const zeros = new Map<Modality, FeedTensor>();
  for (const [m, x] of initial) {
    state.set(m, { x: float32(x, latentDims(ctx, m, 1)), sample: float32(duplicateBatch(x), latentDims(ctx, m, 2)), x0: null });
    zeros.set(m, float32(new Float32Array(x.length), latentDims(ctx, m, 1)));
  }
  const feed = (t: FeedTensor | Kept): FeedTensor => ('type' in t ? t : asFeed(t));
  const release = (t: FeedTensor | Kept | null | undefined) => {
    if (t && 'type' in t && t.type === 'device') disposeDeviceTensor(t);
  };
  try {
    for (let i = 0; i < total; i++) {
      await checkpoint(ctx.signal);
      const t = sampler.timesteps[i] as number;
      const timestep = float32(new Float32Array(2).fill(t), [2]);
      const w = sampler.linear(i);
      const coeffs = float32(Float32Array.of(settings.guidanceScale, w.kEps, w.kDiv, w.pX0, w.pEps, w.pNoise, w.pX, w.pX0Prev), [8]);
      for (const m of targets) {
        const s = state.get(m) as { x: FeedTensor | Kept; sample: FeedTensor | Kept; x0: Kept | null };
        const suffix = graphSuffix(m);
        const sample = feed(s.sample);
        let eps2: Kept;
        if (joint) {
          const env = await run(`env_${suffix}`, { sample, timestep });
          const hCon = keptOutput(env, 'h_con', `env_${suffix}`);
          try {
            throwIfAborted(ctx.signal);
            const out = await run(`unet_${suffix}_joint`, { sample, timestep, context: contextFeed, h_con: asFeed(hCon) });
            eps2 = keptOutput(out, 'eps', `unet_${suffix}_joint`);
          } finally {
            release(hCon);
          }
        } else {
          const out = await run(`unet_${suffix}`, { sample, timestep, context: contextFeed });
          eps2 = keptOutput(out, 'eps', `unet_${suffix}`);
        }
        const zero = zeros.get(m) as FeedTensor;
        const size = (initial.get(m) as Float32Array).length;
        // The same draws as sampler.step: one normal(size) exactly when the noise weight is non-zero.
        const z = w.pNoise !== 0 ? float32((noise.get(m) as NoiseSource).normal(size), latentDims(ctx, m, 1)) : zero;
        let out: KeptOutputs;
        try {
          throwIfAborted(ctx.signal);
          out = await run(STEP_GRAPH, { x: feed(s.x), eps2: asFeed(eps2), x0_prev: s.x0 ? asFeed(s.x0) : zero, noise: z, coeffs });
        } finally {
          release(eps2);
        }
        release(s.x);
        release(s.sample);
        release(s.x0);
        state.set(m, { x: keptOutput(out, 'prev', STEP_GRAPH), sample: keptOutput(out, 'prev2', STEP_GRAPH), x0: keptOutput(out, 'x0', STEP_GRAPH) });
      }
      ctx.emit({ type: 'denoise', jobId: ctx.jobId, step: i + 1, totalSteps: total });
      options.onStep?.(i + 1, total);
      const every = settings.previewEvery;
      if (every > 0 && (i + 1) % every === 0 && i + 1 < total) {
        for (const m of targets) {
          if (m === 'report') continue;
          throwIfAborted(ctx.signal);
          const x0 = await readKept(state.get(m)?.x0 as Kept, `${STEP_GRAPH}.x0`);
          const image = await decodeImage(ctx, x0);
          ctx.emit({ type: 'preview', jobId: ctx.jobId, modality: m as ImageModality, image, step: i + 1 });
        }
      }
    }
    const latents = new Map<Modality, Float32Array>();
    for (const [m, s] of state) {
      latents.set(m, 'type' in s.x && s.x.type !== 'device' ? s.x.data as Float32Array : await readKept(s.x as Kept, `${STEP_GRAPH}.prev`));
    }
    return latents;
  } finally {
    for (const s of state.values()) {
      release(s.x);
      release(s.sample);
      release(s.x0);
    }
  }
}
