import { describe, expect, it } from 'vitest';
import { createDpmSolverSampler } from './dpm-solver';
import { ddimTimestepsAscending } from './ddim';
import { alphasCumprod } from './noise-schedule';
import { createSampler } from './sampler';
import { noNoise, REFERENCE_SCHEDULE } from './test-helpers';

const alphasBar = Array.from(alphasCumprod(REFERENCE_SCHEDULE), (a) => Math.fround(a));

/** A smooth, deterministic stand-in for the UNet. */
function dummyEps(x: ArrayLike<number>, t: number): Float64Array {
  return Float64Array.from(x, (v, j) => 0.3 * v * Math.cos(t / 300) + 0.1 * Math.sin(j + t / 100));
}

/**
 * Independent float64 reference written from diffusers' `DPMSolverMultistepScheduler` (dpmsolver++, order 2,
 * midpoint, lower_order_final, final_sigmas_type='zero'): σ-space bookkeeping, `_sigma_to_alpha_sigma_t`,
 * `dpm_solver_first_order_update`, `multistep_dpm_solver_second_order_update`. Timesteps passed explicitly.
 */
function diffusersReference(timesteps: number[], x: Float64Array): { trajectory: Float64Array[]; x0s: Float64Array[] } {
  const sigmas = timesteps.map((t) => Math.sqrt((1 - (alphasBar[t] as number)) / (alphasBar[t] as number)));
  sigmas.push(0);
  const toAlphaSigma = (sigma: number) => {
    const alpha = 1 / Math.sqrt(sigma * sigma + 1);
    return [alpha, sigma * alpha] as const;
  };
  const modelOutputs: (Float64Array | null)[] = [null, null];
  let lowerOrderNums = 0;
  let sample = x;
  const trajectory: Float64Array[] = [];
  const x0s: Float64Array[] = [];
  for (let i = 0; i < timesteps.length; i++) {
    const eps = dummyEps(sample, timesteps[i] as number);
    const [alphaS0, sigmaS0] = toAlphaSigma(sigmas[i] as number);
    const x0 = sample.map((v, j) => (v - sigmaS0 * (eps[j] as number)) / alphaS0);
    modelOutputs[0] = modelOutputs[1] ?? null;
    modelOutputs[1] = x0;
    const lowerOrderFinal = i === timesteps.length - 1;
    const [alphaT, sigmaT] = toAlphaSigma(sigmas[i + 1] as number);
    const lambdaT = Math.log(alphaT) - Math.log(sigmaT);
    const lambdaS0 = Math.log(alphaS0) - Math.log(sigmaS0);
    const h = lambdaT - lambdaS0;
    if (lowerOrderNums < 1 || lowerOrderFinal) {
      sample = sample.map((v, j) => (sigmaT / sigmaS0) * v - alphaT * (Math.exp(-h) - 1) * (x0[j] as number));
    } else {
      const [alphaS1, sigmaS1] = toAlphaSigma(sigmas[i - 1] as number);
      const lambdaS1 = Math.log(alphaS1) - Math.log(sigmaS1);
      const h0 = lambdaS0 - lambdaS1;
      const r0 = h0 / h;
      const m0 = modelOutputs[1] as Float64Array;
      const m1 = modelOutputs[0] as Float64Array;
      sample = sample.map((v, j) => {
        const d0 = m0[j] as number;
        const d1 = (1 / r0) * ((m0[j] as number) - (m1[j] as number));
        return (sigmaT / sigmaS0) * v - alphaT * (Math.exp(-h) - 1) * d0 - 0.5 * (alphaT * (Math.exp(-h) - 1)) * d1;
      });
    }
    if (lowerOrderNums < 2) lowerOrderNums++;
    trajectory.push(sample);
    x0s.push(x0);
  }
  return { trajectory, x0s };
}

function runOurs(steps: number, x: Float32Array) {
  const sampler = createDpmSolverSampler(REFERENCE_SCHEDULE, steps);
  let cur: Float32Array = x;
  const trajectory: Float32Array[] = [];
  sampler.timesteps.forEach((t, i) => {
    const eps = Float32Array.from(dummyEps(cur, t));
    cur = sampler.step('frontal', i, cur, eps, noNoise).prev;
    trajectory.push(cur);
  });
  return { sampler, trajectory };
}

describe('DPM-Solver++ (2M)', () => {
  const x = Float32Array.from({ length: 8 }, (_, j) => Math.sin(3 * j + 1) * 1.7);

  it('uses the DDIM grid in execution order', () => {
    const sampler = createSampler('dpmpp-2m', REFERENCE_SCHEDULE, 25, { eta: 1 });
    expect([...sampler.timesteps]).toEqual(ddimTimestepsAscending(1000, 25).reverse());
  });

  it.each([5, 20, 30, 50])('%i steps: full loop matches the float64 diffusers-form reference', (steps) => {
    const timesteps = ddimTimestepsAscending(1000, steps).reverse();
    const want = diffusersReference(timesteps, Float64Array.from(x));
    const { trajectory } = runOurs(steps, x);
    let maxRel = 0;
    trajectory.forEach((got, i) => {
      const ref = want.trajectory[i] as Float64Array;
      got.forEach((v, j) => {
        const r = ref[j] as number;
        maxRel = Math.max(maxRel, Math.abs(v - r) / Math.max(1, Math.abs(r)));
      });
    });
    // Only float32 storage of x/x0 between steps separates the two.
    expect(maxRel).toBeLessThan(2e-5);
  });

  it('is exact for a point-mass data distribution (x0 estimate constant → stays on α·x0* + σ·n)', () => {
    const target = [0.25, -1, 2];
    const n0 = [0.5, -0.3, 1.2];
    const sampler = createDpmSolverSampler(REFERENCE_SCHEDULE, 20);
    const t0 = sampler.timesteps[0] as number;
    let cur: Float32Array = Float32Array.from(target, (v, j) => Math.sqrt(alphasBar[t0] as number) * v + Math.sqrt(1 - (alphasBar[t0] as number)) * (n0[j] as number));
    sampler.timesteps.forEach((t, i) => {
      const a = alphasBar[t] as number;
      const eps = Float32Array.from(cur, (v, j) => (v - Math.sqrt(a) * (target[j] as number)) / Math.sqrt(1 - a));
      const out = sampler.step('report', i, cur, eps, noNoise);
      out.x0.forEach((v, j) => expect(v).toBeCloseTo(target[j] as number, 4));
      cur = out.prev;
    });
    cur.forEach((v, j) => expect(v).toBeCloseTo(target[j] as number, 4));
  });

  it('keeps history per latent name (interleaved latents = separate runs) and never draws noise', () => {
    const a = Float32Array.from([0.3, -0.2, 1]);
    const b = Float32Array.from([-1, 0.5]);
    const joint = createDpmSolverSampler(REFERENCE_SCHEDULE, 10);
    let ja: Float32Array = a;
    let jb: Float32Array = b;
    joint.timesteps.forEach((t, i) => {
      ja = joint.step('frontal', i, ja, Float32Array.from(dummyEps(ja, t)), noNoise).prev;
      jb = joint.step('report', i, jb, Float32Array.from(dummyEps(jb, t)), noNoise).prev;
    });
    const solo = createDpmSolverSampler(REFERENCE_SCHEDULE, 10);
    let sa: Float32Array = a;
    solo.timesteps.forEach((t, i) => {
      sa = solo.step('frontal', i, sa, Float32Array.from(dummyEps(sa, t)), noNoise).prev;
    });
    expect(Array.from(ja)).toEqual(Array.from(sa));
  });

  it('last step returns x0', () => {
    const sampler = createDpmSolverSampler(REFERENCE_SCHEDULE, 10);
    const out = sampler.step('frontal', 9, x, Float32Array.from(dummyEps(x, 0)), noNoise);
    expect(Array.from(out.prev)).toEqual(Array.from(out.x0));
  });
});
