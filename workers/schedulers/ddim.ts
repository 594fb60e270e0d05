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
 * Arithmetic: scalar coefficients are computed in float64 from the float64 ᾱ and rounded to float32 (as the
 * toolchain's reference sampler, which writes the parity fixtures); the element-wise update rounds every operation
 * to float32 in the reference's order, so results match PyTorch float32 bit for bit.
 */
import type { ScheduleConfig } from './noise-schedule';
import { alphasCumprod } from './noise-schedule';
import type { LatentSampler, NoiseSource } from './sampler';
import { assertStepArgs } from './step-args';

const f32 = Math.fround;

/**
 * DDIM grid in ascending order: range(0, T, T // steps). No "+1" offset (the upstream code would add one only for
 * T ≠ 1000; the toolchain, like every MedCoDi-M manifest, uses T = 1000 and never offsets).
 */
export function ddimTimestepsAscending(numTrainTimesteps: number, steps: number): number[] {
  if (!Number.isInteger(steps) || steps < 1 || steps > numTrainTimesteps) {
    throw new Error(`steps must be an integer in [1, ${numTrainTimesteps}], got ${steps}`);
  }
  const stride = Math.floor(numTrainTimesteps / steps);
  const grid: number[] = [];
  for (let t = 0; t < numTrainTimesteps; t += stride) grid.push(t);
  return grid;
}

/**
 * Per-grid-index DDIM coefficients (index k on the ascending grid). As the toolchain's reference sampler
 * (toolchain/medcodi/model/diffusion.py `ddim_coefficients`), everything is computed in float64 from the float64
 * ᾱ and then rounded to float32; this reproduces the spec §3.2 table to its last digit.
 */
export interface DdimCoefficients {
  readonly timesteps: readonly number[];
  /** ᾱ[τ_k] (float32 value) */
  readonly alpha: Float64Array;
  /** ᾱ[τ_{k−1}], ᾱ[0] for k = 0 (float32 value) */
  readonly alphaPrev: Float64Array;
  /** σ_k (float32 value) */
  readonly sigma: Float64Array;
  /** √(1 − ᾱ[τ_k]) (float32 value) */
  readonly sqrtOneMinusAlpha: Float64Array;
  /** √(1 − a_prev − σ²) (float32 value) */
  readonly dirCoeff: Float64Array;
}

export function ddimCoefficients(schedule: ScheduleConfig, steps: number, eta: number): DdimCoefficients {
  if (!Number.isFinite(eta) || eta < 0) throw new Error(`eta must be ≥ 0, got ${eta}`);
  const alphasBar = alphasCumprod(schedule);
  const timesteps = ddimTimestepsAscending(schedule.numTrainTimesteps, steps);
  const n = timesteps.length;
  const alpha = new Float64Array(n);
  const alphaPrev = new Float64Array(n);
  const sigma = new Float64Array(n);
  const sqrtOneMinusAlpha = new Float64Array(n);
  const dirCoeff = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const a = alphasBar[timesteps[k] as number] as number;
    const ap = k === 0 ? (alphasBar[0] as number) : (alphasBar[timesteps[k - 1] as number] as number);
    const s = eta * Math.sqrt(((1 - ap) / (1 - a)) * (1 - a / ap));
    alpha[k] = f32(a);
    alphaPrev[k] = f32(ap);
    sigma[k] = f32(s);
    sqrtOneMinusAlpha[k] = f32(Math.sqrt(1 - a));
    dirCoeff[k] = f32(Math.sqrt(Math.max(1 - ap - s * s, 0)));
  }
  return { timesteps, alpha, alphaPrev, sigma, sqrtOneMinusAlpha, dirCoeff };
}

export function createDdimSampler(schedule: ScheduleConfig, steps: number, eta: number): LatentSampler {
  const coeffs = ddimCoefficients(schedule, steps, eta);
  const n = coeffs.timesteps.length;
  // Execution order is descending; execution index i ↔ grid index k = n − 1 − i.
  const timesteps = Object.freeze([...coeffs.timesteps].reverse());
  const perStep = Array.from({ length: n }, (_, i) => {
    const k = n - 1 - i;
    return {
      sqrtOneMinusAlpha: coeffs.sqrtOneMinusAlpha[k] as number,
      // torch.sqrt of the float32 buffers (float64 sqrt then one rounding equals float32 sqrt)
      sqrtAlpha: f32(Math.sqrt(coeffs.alpha[k] as number)),
      sqrtAlphaPrev: f32(Math.sqrt(coeffs.alphaPrev[k] as number)),
      dirCoeff: coeffs.dirCoeff[k] as number,
      sigma: coeffs.sigma[k] as number,
    };
  });

  const sampler: LatentSampler = {
    timesteps,
    linear(i: number) {
      const c = perStep[i];
      if (c === undefined) throw new Error(`Step index ${i} out of range`);
      return { kEps: c.sqrtOneMinusAlpha, kDiv: c.sqrtAlpha, pX0: c.sqrtAlphaPrev, pEps: c.dirCoeff, pNoise: c.sigma, pX: 0, pX0Prev: 0 };
    },
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
