import { describe, expect, it } from 'vitest';
import { createDdimSampler, ddimCoefficients, ddimTimestepsAscending } from './ddim';
import { alphasCumprod } from './noise-schedule';
import ddimFixture from './__fixtures__/ddim-steps.json';
import { cfgCombine } from './guidance';
import { createSampler } from './sampler';
import { noNoise, REFERENCE_SCHEDULE, scriptedNoise } from './test-helpers';

describe('DDIM grid (spec §3.2, no +1 offset for T = 1000)', () => {
  it('50 steps → [0, 20, …, 980], executed 980 first', () => {
    const grid = ddimTimestepsAscending(1000, 50);
    expect(grid.length).toBe(50);
    expect(grid[0]).toBe(0);
    expect(grid[49]).toBe(980);
    const sampler = createSampler('ddim', REFERENCE_SCHEDULE, 50, { eta: 1 });
    expect(sampler.timesteps.slice(0, 3)).toEqual([980, 960, 940]);
    expect(sampler.timesteps[49]).toBe(0);
  });

  it('non-divisors give extra steps: 30 → 31 steps with c = 33 (spec §3.2, §7.7)', () => {
    const grid = ddimTimestepsAscending(1000, 30);
    expect(grid.length).toBe(31);
    expect(grid[1]).toBe(33);
    expect(grid[30]).toBe(990);
    expect(ddimTimestepsAscending(1000, 1)).toEqual([0]);
  });

  it('never applies a +1 offset (toolchain convention)', () => {
    expect(ddimTimestepsAscending(500, 5)).toEqual([0, 100, 200, 300, 400]);
  });

  it('rejects bad step counts', () => {
    expect(() => ddimTimestepsAscending(1000, 0)).toThrow();
    expect(() => ddimTimestepsAscending(1000, 1001)).toThrow();
    expect(() => ddimTimestepsAscending(1000, 2.5)).toThrow();
  });
});

describe('DDIM coefficients: spec §3.2 table (η = 1)', () => {
  const c = ddimCoefficients(REFERENCE_SCHEDULE, 50, 1);
  const rows: [k: number, tau: number, a: number, aPrev: number, sigma: number, dir: number][] = [
    [49, 980, 0.0058438, 0.0073652, 0.454155, 0.886779],
    [48, 960, 0.0073652, 0.0092187, 0.447972, 0.888877],
    [25, 500, 0.276333, 0.303694, 0.29443, 0.78078],
    [1, 20, 0.981314, 0.99915, 0.028496, 0.006162],
    [0, 0, 0.99915, 0.99915, 0, 0.029155],
  ];
  it.each(rows)('k=%i τ=%i', (k, tau, a, aPrev, sigma, dir) => {
    expect(c.timesteps[k]).toBe(tau);
    const rel = (x: number, y: number) => Math.abs(x - y) / Math.max(Math.abs(y), 1e-12);
    expect(rel(c.alpha[k] as number, a)).toBeLessThan(1e-5);
    expect(rel(c.alphaPrev[k] as number, aPrev)).toBeLessThan(1e-5);
    if (sigma === 0) expect(c.sigma[k]).toBe(0);
    else expect(Math.abs((c.sigma[k] as number) - sigma)).toBeLessThan(1e-6); // table has 6 decimals
    expect(Math.abs((c.dirCoeff[k] as number) - dir)).toBeLessThan(1e-6);
  });

  it('η = 0 gives σ = 0 everywhere', () => {
    expect(Array.from(ddimCoefficients(REFERENCE_SCHEDULE, 50, 0).sigma).every((s) => s === 0)).toBe(true);
  });
});

describe('DDIM step (spec §3.3)', () => {
  const x = new Float32Array([0.5, -1.25, 2, 0]);
  const eps = new Float32Array([0.1, 0.2, -0.3, 1.5]);
  const z = [0.3, -0.7, 1.1, -2];

  /** Float64 hand computation from the float64 ᾱ. */
  function expected(i: number, eta: number, steps: number) {
    const alphasBar = alphasCumprod(REFERENCE_SCHEDULE);
    const grid = ddimTimestepsAscending(1000, steps);
    const k = grid.length - 1 - i;
    const a = alphasBar[grid[k] as number] as number;
    const ap = alphasBar[k === 0 ? 0 : (grid[k - 1] as number)] as number;
    const sigma = eta * Math.sqrt(((1 - ap) / (1 - a)) * (1 - a / ap));
    const x0 = Array.from(x, (xv, j) => (xv - Math.sqrt(1 - a) * (eps[j] as number)) / Math.sqrt(a));
    const prev = x0.map((v, j) => Math.sqrt(ap) * v + Math.sqrt(1 - ap - sigma * sigma) * (eps[j] as number) + sigma * (z[j] as number));
    return { x0, prev };
  }

  it.each([
    [0, 1],
    [1, 1],
    [25, 1],
    [48, 1],
    [49, 1],
    [0, 0],
    [24, 0.5],
  ])('execution index %i, η=%d matches a float64 hand computation', (i, eta) => {
    const sampler = createDdimSampler(REFERENCE_SCHEDULE, 50, eta);
    const { prev, x0 } = sampler.step('frontal', i, x, eps, scriptedNoise(z));
    const want = expected(i, eta, 50);
    for (let j = 0; j < x.length; j++) {
      // float32 arithmetic vs float64: a few ulps, amplified by 1/√a ≈ 13 at τ = 980.
      expect(Math.abs((x0[j] as number) - (want.x0[j] as number))).toBeLessThan(5e-6 * Math.max(1, Math.abs(want.x0[j] as number)));
      expect(Math.abs((prev[j] as number) - (want.prev[j] as number))).toBeLessThan(5e-6 * Math.max(1, Math.abs(want.prev[j] as number)));
    }
  });

  it('golden first step (τ = 980, η = 1) with spec-table coefficients', () => {
    const sampler = createDdimSampler(REFERENCE_SCHEDULE, 50, 1);
    const { prev } = sampler.step('frontal', 0, new Float32Array([1]), new Float32Array([0.5]), scriptedNoise([-1]));
    // x0 = (1 − √(1−0.0058438)·0.5)/√0.0058438; prev = √0.0073652·x0 + 0.886779·0.5 − 0.454155
    const x0 = (1 - Math.sqrt(1 - 0.0058438) * 0.5) / Math.sqrt(0.0058438);
    const want = Math.sqrt(0.0073652) * x0 + 0.886779 * 0.5 - 0.454155;
    expect(prev[0]).toBeCloseTo(want, 4);
  });

  it('draws one normal(x.length) per step per latent only when σ > 0', () => {
    const sampler = createDdimSampler(REFERENCE_SCHEDULE, 50, 1);
    const noise = scriptedNoise([0]);
    for (let i = 0; i < sampler.timesteps.length; i++) {
      sampler.step('frontal', i, x, eps, noise);
      sampler.step('report', i, x.subarray(0, 2), eps.subarray(0, 2), noise);
    }
    // 49 stochastic steps × 2 latents; the last step (σ = 0) draws nothing.
    expect(noise.draws.length).toBe(98);
    expect(noise.draws.slice(0, 4)).toEqual([4, 2, 4, 2]);

    const deterministic = createDdimSampler(REFERENCE_SCHEDULE, 50, 0);
    for (let i = 0; i < 50; i++) deterministic.step('frontal', i, x, eps, noNoise);
  });

  it('the last step is deterministic for any η (a_prev_0 = ᾱ[0])', () => {
    const sampler = createDdimSampler(REFERENCE_SCHEDULE, 50, 1);
    const { prev } = sampler.step('frontal', 49, x, eps, noNoise);
    // prev = √ᾱ0·x0 + √(1−ᾱ0)·ε = x exactly in real arithmetic
    for (let j = 0; j < x.length; j++) expect(prev[j]).toBeCloseTo(x[j] as number, 5);
  });

  it('rejects mismatched lengths and bad indices', () => {
    const sampler = createDdimSampler(REFERENCE_SCHEDULE, 10, 0);
    expect(() => sampler.step('f', 0, x, eps.subarray(0, 2), noNoise)).toThrow(/length/);
    expect(() => sampler.step('f', 10, x, eps, noNoise)).toThrow(/range/);
  });
});

describe('DDIM + CFG full loops vs the toolchain reference (numpy float32 transcription, bit-exact)', () => {
  it.each(ddimFixture.cases.map((c) => [c.steps, c.eta, c] as const))('%i steps, η=%d', (steps, eta, c) => {
    const sampler = createSampler('ddim', REFERENCE_SCHEDULE, steps, { eta });
    expect(sampler.timesteps.length).toBe(c.trajectory.length);
    const eps = cfgCombine(Float32Array.from(c.eps2), ddimFixture.guidance);
    let x: Float32Array = Float32Array.from(c.x);
    // Replays the recorded noise in the documented order: one draw per step with σ > 0.
    const recorded = c.noise.filter((z): z is number[] => z !== null);
    let draw = 0;
    const replay = { normal: (count: number) => {
      const z = recorded[draw++];
      expect(z?.length).toBe(count);
      return Float32Array.from(z ?? []);
    } };
    c.trajectory.forEach((want, i) => {
      const out = sampler.step('frontal', i, x, eps, replay);
      expect(Array.from(out.x0)).toEqual(Array.from(Float32Array.from(want.x0)));
      expect(Array.from(out.prev)).toEqual(Array.from(Float32Array.from(want.prev)));
      x = out.prev;
    });
    expect(draw).toBe(recorded.length);
  });
});
