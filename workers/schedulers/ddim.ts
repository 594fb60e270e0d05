/**
 * @file DDIM exactly as the reference sampler (spec §3.2–3.3; LDM `ddim.py` + Versatile Diffusion `ddim_vd.py`).
 *
 * Grid: c = T // steps, τ = range(0, T, c) — NO "+1" offset when T = 1000 (the reference adds 1 only for T ≠ 1000),
 * so 50 steps → [0, 20, …, 980]; non-divisors give extra steps (30 → 31 steps, c = 33).
 * a_prev of the first grid point is ᾱ[0], not 1, so the final step is deterministic for any η.
 *
 * Noise draw order (must match the toolchain's parity fixtures, which replay PyTorch noise): for every call of
 * `step(name, i, …)` with σ_i > 0 exactly one `noise.normal(x.length)` is drawn; with σ_i = 0 (η = 0, or the last
 * step) nothing is drawn.
 *
 * Arithmetic: ᾱ is rounded to float32 (the reference's buffers), scalar coefficients are computed in float64 and
 * rounded to float32, and the element-wise update rounds every operation to float32 in the reference's order.
 */
import type { ScheduleConfig } from './noise-schedule';
import { alphasCumprod } from './noise-schedule';
import type { LatentSampler, NoiseSource } from './sampler';
import { assertStepArgs } from './sampler';

const f32 = Math.fround;

/** DDIM grid in ascending order (`make_ddim_timesteps`, method 'uniform'). */
export function ddimTimestepsAscending(numTrainTimesteps: number, steps: number): number[] {
  if (!Number.isInteger(steps) || steps < 1 || steps > numTrainTimesteps) {
    throw new Error(`steps must be an integer in [1, ${numTrainTimesteps}], got ${steps}`);
  }
  const stride = Math.floor(numTrainTimesteps / steps);
  // The reference applies the usual +1 shift only when the DDPM does not have 1000 steps.
  const offset = numTrainTimesteps === 1000 ? 0 : 1;
  const grid: number[] = [];
  for (let t = 0; t < numTrainTimesteps; t += stride) grid.push(t + offset);
  if ((grid[grid.length - 1] as number) >= numTrainTimesteps) {
    throw new Error(`DDIM grid reaches t=${String(grid[grid.length - 1])} ≥ T=${numTrainTimesteps}; choose fewer steps`);
  }
  return grid;
}

/** Per-grid-point coefficients (index k on the ascending grid), float32-rounded as the reference stores them. */
export interface DdimCoefficients {
  readonly timesteps: readonly number[];
  readonly alpha: Float64Array;
  readonly alphaPrev: Float64Array;
  readonly sigma: Float64Array;
}

export function ddimCoefficients(schedule: ScheduleConfig, steps: number, eta: number): DdimCoefficients {
  if (!Number.isFinite(eta) || eta < 0) throw new Error(`eta must be ≥ 0, got ${eta}`);
  const alphasBar = alphasCumprod(schedule);
  const timesteps = ddimTimestepsAscending(schedule.numTrainTimesteps, steps);
  const n = timesteps.length;
  const alpha = new Float64Array(n);
  const alphaPrev = new Float64Array(n);
  const sigma = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    alpha[k] = f32(alphasBar[timesteps[k] as number] as number);
    alphaPrev[k] = k === 0 ? f32(alphasBar[0] as number) : f32(alphasBar[timesteps[k - 1] as number] as number);
  }
  for (let k = 0; k < n; k++) {
    const a = alpha[k] as number;
    const ap = alphaPrev[k] as number;
    sigma[k] = f32(eta * Math.sqrt(((1 - ap) / (1 - a)) * (1 - a / ap)));
  }
  return { timesteps, alpha, alphaPrev, sigma };
}

export function createDdimSampler(schedule: ScheduleConfig, steps: number, eta: number): LatentSampler {
  const coeffs = ddimCoefficients(schedule, steps, eta);
  const n = coeffs.timesteps.length;
  // Execution order is descending; execution index i ↔ grid index k = n − 1 − i.
  const timesteps = Object.freeze([...coeffs.timesteps].reverse());
  const perStep = Array.from({ length: n }, (_, i) => {
    const k = n - 1 - i;
    const a = coeffs.alpha[k] as number;
    const ap = coeffs.alphaPrev[k] as number;
    const sigma = coeffs.sigma[k] as number;
    return {
      sqrtOneMinusAlpha: f32(Math.sqrt(1 - a)), // ddim_sqrt_one_minus_alphas buffer
      sqrtAlpha: f32(Math.sqrt(a)), // a_t.sqrt() in float32
      sqrtAlphaPrev: f32(Math.sqrt(ap)),
      dirCoeff: f32(Math.sqrt(f32(f32(1 - ap) - f32(sigma * sigma)))), // (1 − a_prev − σ²).sqrt() in float32
      sigma,
    };
  });

  const sampler: LatentSampler = {
    timesteps,
    step(_name: string, i: number, x: Float32Array, eps: Float32Array, noise: NoiseSource) {
      assertStepArgs(sampler, i, x, eps);
      const c = perStep[i];
      if (c === undefined) throw new Error(`Step index ${i} out of range`);
      const z = c.sigma > 0 ? noise.normal(x.length) : null;
      if (z !== null && z.length !== x.length) throw new Error(`Noise source returned ${z.length} values, expected ${x.length}`);
      const prev = new Float32Array(x.length);
      const x0 = new Float32Array(x.length);
      for (let j = 0; j < x.length; j++) {
        const e = eps[j] as number;
        const predX0 = f32(f32((x[j] as number) - f32(c.sqrtOneMinusAlpha * e)) / c.sqrtAlpha);
        x0[j] = predX0;
        let value = f32(f32(c.sqrtAlphaPrev * predX0) + f32(c.dirCoeff * e));
        if (z !== null) value = f32(value + f32(c.sigma * (z[j] as number)));
        prev[j] = value;
      }
      return { prev, x0 };
    },
  };
  return sampler;
}
