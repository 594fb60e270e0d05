/**
 * @file The sampler interface the denoise loop uses, and the factory over the concrete samplers.
 * One instance steps several named latents (frontal, lateral, report) in one loop; samplers with history key it
 * by latent name.
 */
import type { SamplerKind } from '../../src/contracts/job';
import type { ScheduleConfig } from './noise-schedule';
import { createDdimSampler } from './ddim';
import { createDpmSolverSampler } from './dpm-solver';

/** Fresh N(0,1) values; each call continues the stream. */
export interface NoiseSource {
  normal(count: number): Float32Array;
}

/**
 * One step as weights of a fixed formula, for the `latent_step` graph (toolchain/medcodi/step_graph.py), which
 * runs the update where the latents live (GPU) instead of in JavaScript:
 *   x0 = (x − kEps·ε) / kDiv;   prev = ((pX0·x0 + pEps·ε) + pNoise·z) + pX·x + pX0Prev·x0_prev
 * `step()` computes exactly this (DDIM in the same float32 order), so both paths agree.
 */
export interface LinearStep {
  readonly kEps: number;
  readonly kDiv: number;
  readonly pX0: number;
  readonly pEps: number;
  readonly pNoise: number;
  readonly pX: number;
  /** Weight of the previous step's x0 (DPM-Solver++ history); 0 when the step does not use it. */
  readonly pX0Prev: number;
}

export interface LatentSampler {
  /** Model timesteps in execution order, e.g. [980, 960, …, 0] for DDIM 50. */
  readonly timesteps: readonly number[];
  /** One update of latent `name` at execution index i. Returns the new latent and the x0 estimate (for previews). */
  step(name: string, i: number, x: Float32Array, eps: Float32Array, noise: NoiseSource): { prev: Float32Array; x0: Float32Array };
  /**
   * Step i as LinearStep weights, for a latent whose every earlier step ran (the history `step` would have). A
   * caller draws `noise.normal(size)` exactly when `pNoise !== 0`, as `step` does.
   */
  linear(i: number): LinearStep;
}

/**
 * `ddim`: spec §3.2–3.3, uses `options.eta`; draws one `noise.normal(x.length)` per step per latent when σ > 0.
 * `dpmpp-2m`: DPM-Solver++ (2M) on the same grid; deterministic (ignores eta, never draws).
 */
export function createSampler(
  kind: SamplerKind,
  schedule: ScheduleConfig,
  steps: number,
  options: { eta: number },
): LatentSampler {
  switch (kind) {
    case 'ddim':
      return createDdimSampler(schedule, steps, options.eta);
    case 'dpmpp-2m':
      return createDpmSolverSampler(schedule, steps);
    default:
      throw new Error(`Unknown sampler kind '${String(kind)}'`);
  }
}
