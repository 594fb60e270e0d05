/** Argument checks shared by the samplers (kept apart from sampler.ts to avoid an import cycle). */
import type { LatentSampler } from './sampler';

/** Shared argument checks: same length, index in range. */
export function assertStepArgs(sampler: LatentSampler, i: number, x: Float32Array, eps: Float32Array): void {
  if (!Number.isInteger(i) || i < 0 || i >= sampler.timesteps.length) {
    throw new Error(`Step index ${i} out of range [0, ${sampler.timesteps.length})`);
  }
  if (x.length !== eps.length) throw new Error(`Latent length ${x.length} ≠ eps length ${eps.length}`);
}
