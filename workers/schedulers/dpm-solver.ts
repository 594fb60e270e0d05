/**
 * @file DPM-Solver++ (2M): data-prediction multistep solver (Lu et al. 2022, arXiv:2211.01095, Alg. 2), as in
 * diffusers' `DPMSolverMultistepScheduler(algorithm_type='dpmsolver++', solver_order=2, solver_type='midpoint',
 * lower_order_final=True, final_sigmas_type='zero')`, over the same timestep grid as DDIM (spec §3.2).
 *
 * With α_t = √ᾱ_t, σ_t = √(1−ᾱ_t), λ_t = ln(α_t/σ_t), h = λ_t − λ_s and the model's data prediction
 * x0 = (x − σ_s ε)/α_s:
 *   first order:  x_t = (σ_t/σ_s)·x + α_t(1 − e^{−h})·x0
 *   second order: x_t = (σ_t/σ_s)·x + α_t(1 − e^{−h})·(x0 + (x0 − x0_prev)/(2r)),  r = h_prev/h
 * The first step (no history) and the last step are first order. The last step (from the grid's t = 0) goes to
 * σ = 0 and therefore returns x0 — unlike DDIM, whose last step lands on ᾱ[0].
 * Deterministic: ignores η and never draws noise. History (the previous x0) is kept per latent name.
 */
import type { ScheduleConfig } from './noise-schedule';
import { alphasCumprod } from './noise-schedule';
import { ddimTimestepsAscending } from './ddim';
import type { LatentSampler, NoiseSource } from './sampler';
import { assertStepArgs } from './step-args';

interface StepCoefficients {
  readonly alphaS: number;
  readonly sigmaS: number;
  /** σ_t/σ_s */
  readonly xCoeff: number;
  /** weight of x0 */
  readonly x0Coeff: number;
  /** weight of x0_prev (second order only; 0 for first order) */
  readonly x0PrevCoeff: number;
  readonly secondOrder: boolean;
}

export function dpmSolverCoefficients(schedule: ScheduleConfig, steps: number): { timesteps: number[]; coeffs: StepCoefficients[] } {
  const alphasBar = alphasCumprod(schedule);
  const timesteps = ddimTimestepsAscending(schedule.numTrainTimesteps, steps).reverse();
  const n = timesteps.length;
  const alphaAt = (i: number): number => Math.sqrt(Math.fround(alphasBar[timesteps[i] as number] as number));
  const sigmaAt = (i: number): number => Math.sqrt(1 - Math.fround(alphasBar[timesteps[i] as number] as number));
  const lambdaAt = (i: number): number => Math.log(alphaAt(i)) - Math.log(sigmaAt(i));

  const coeffs: StepCoefficients[] = [];
  for (let i = 0; i < n; i++) {
    const alphaS = alphaAt(i);
    const sigmaS = sigmaAt(i);
    if (i === n - 1) {
      // Target σ = 0, α = 1: h → ∞, the first-order update collapses to x0.
      coeffs.push({ alphaS, sigmaS, xCoeff: 0, x0Coeff: 1, x0PrevCoeff: 0, secondOrder: false });
      continue;
    }
    const alphaT = alphaAt(i + 1);
    const sigmaT = sigmaAt(i + 1);
    const h = lambdaAt(i + 1) - lambdaAt(i);
    const xCoeff = sigmaT / sigmaS;
    const base = -alphaT * Math.expm1(-h); // α_t(1 − e^{−h}) without cancellation
    if (i === 0) {
      coeffs.push({ alphaS, sigmaS, xCoeff, x0Coeff: base, x0PrevCoeff: 0, secondOrder: false });
      continue;
    }
    const hPrev = lambdaAt(i) - lambdaAt(i - 1);
    const r = hPrev / h;
    const d1 = (0.5 * base) / r;
    coeffs.push({ alphaS, sigmaS, xCoeff, x0Coeff: base + d1, x0PrevCoeff: -d1, secondOrder: true });
  }
  return { timesteps, coeffs };
}

export function createDpmSolverSampler(schedule: ScheduleConfig, steps: number): LatentSampler {
  const { timesteps, coeffs } = dpmSolverCoefficients(schedule, steps);
  // Same steps without history: used when a latent's previous step is missing (e.g. it joined late).
  const firstOrder = coeffs.map((c) => (c.secondOrder ? dpmFirstOrderFallback(c) : c));
  const history = new Map<string, { index: number; x0: Float32Array }>();

  const sampler: LatentSampler = {
    timesteps: Object.freeze(timesteps),
    linear(i: number) {
      const c = coeffs[i];
      if (c === undefined) throw new Error(`Step index ${i} out of range`);
      return { kEps: c.sigmaS, kDiv: c.alphaS, pX0: c.x0Coeff, pEps: 0, pNoise: 0, pX: c.xCoeff, pX0Prev: c.x0PrevCoeff };
    },
    step(name: string, i: number, x: Float32Array, eps: Float32Array, _noise: NoiseSource) {
      assertStepArgs(sampler, i, x, eps);
      const last = history.get(name);
      const previous = last !== undefined && last.index === i - 1 && last.x0.length === x.length ? last.x0 : null;
      const planned = coeffs[i] as StepCoefficients;
      const c = planned.secondOrder && previous === null ? (firstOrder[i] as StepCoefficients) : planned;

      const x0 = new Float32Array(x.length);
      const prev = new Float32Array(x.length);
      for (let j = 0; j < x.length; j++) {
        const xj = x[j] as number;
        const x0j = (xj - c.sigmaS * (eps[j] as number)) / c.alphaS;
        x0[j] = x0j;
        let value = c.xCoeff * xj + c.x0Coeff * x0j;
        if (c.secondOrder && previous !== null) value += c.x0PrevCoeff * (previous[j] as number);
        prev[j] = value;
      }
      history.set(name, { index: i, x0 });
      return { prev, x0 };
    },
  };
  return sampler;
}

/** First-order coefficients of a second-order step: x0 weight = base = (x0Coeff + x0PrevCoeff). */
function dpmFirstOrderFallback(c: StepCoefficients): StepCoefficients {
  return { ...c, x0Coeff: c.x0Coeff + c.x0PrevCoeff, x0PrevCoeff: 0, secondOrder: false };
}
