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
 */
import type { GenerationSettings } from '../../src/contracts/job';
import type { ImageModality, Modality } from '../../src/contracts/modality';
import { cfgCombine, duplicateBatch } from '../schedulers/guidance';
import { forkRng } from '../schedulers/rng';
import { createSampler } from '../schedulers/sampler';
import type { LatentSampler, NoiseSource } from '../schedulers/sampler';
import { float32 } from '../runtime/session';
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

/** The graph names a denoise over `targets` needs. */
export function denoiseComponents(targets: readonly Modality[]): string[] {
  if (targets.length === 1) return [`unet_${graphSuffix(targets[0] as Modality)}`];
  return targets.flatMap((m) => [`env_${graphSuffix(m)}`, `unet_${graphSuffix(m)}_joint`]);
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
