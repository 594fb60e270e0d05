/**
 * The shipped `latent_step.onnx` (toolchain/medcodi/step_graph.py) with the samplers' `linear(i)` weights is the
 * samplers' own `step()`: the graph WebGPU jobs run instead of the JavaScript update (onnxruntime-node, CPU).
 * DDIM in the same float32 order (bit for bit); DPM-Solver++ (2M, with its x0 history) within float32 rounding.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cfgCombine } from '../schedulers/guidance';
import { forkRng } from '../schedulers/rng';
import { createSampler } from '../schedulers/sampler';
import { REFERENCE_SCHEDULE } from '../schedulers/test-helpers';

const GRAPH = resolve(__dirname, '../../public/models/medcodi-nano/latent_step.onnx');

type Ort = typeof import('onnxruntime-node');
type Session = Awaited<ReturnType<Ort['InferenceSession']['create']>>;

describe('latent_step.onnx equals the samplers', () => {
  it('finds the bundled step graph in the repo (the suite never skips)', () => {
    expect(existsSync(GRAPH)).toBe(true);
  });

  let ort: Ort;
  let session: Session;

  beforeAll(async () => {
    ort = await import('onnxruntime-node');
    session = await ort.InferenceSession.create(readFileSync(GRAPH));
  });

  async function graphStep(x: Float32Array, eps2: Float32Array, x0Prev: Float32Array, noise: Float32Array, coeffs: Float32Array, dims: number[]) {
    const t = (data: Float32Array, shape: number[]) => new ort.Tensor('float32', data, shape);
    const out = await session.run({
      x: t(x, dims),
      eps2: t(eps2, [2 * (dims[0] as number), ...dims.slice(1)]),
      x0_prev: t(x0Prev, dims),
      noise: t(noise, dims),
      coeffs: t(coeffs, [8]),
    });
    const prev = out['prev']?.data as Float32Array;
    const prev2 = out['prev2']?.data as Float32Array;
    expect(Array.from(prev2.subarray(0, prev.length))).toEqual(Array.from(prev));
    expect(Array.from(prev2.subarray(prev.length))).toEqual(Array.from(prev));
    return { prev, x0: out['x0']?.data as Float32Array };
  }

  it.each([
    ['ddim', 1, [1, 4, 6, 6]],
    ['ddim', 0, [1, 32]],
    ['dpmpp-2m', 0, [1, 4, 6, 6]],
  ] as const)('%s (eta %s) over a whole 20-step loop on a %j latent', async (kind, eta, dims) => {
    const size = dims.reduce<number>((a, b) => a * b, 1);
    const guidance = 7.5;
    const js = createSampler(kind, REFERENCE_SCHEDULE, 20, { eta });
    const weights = createSampler(kind, REFERENCE_SCHEDULE, 20, { eta });
    const jsNoise = forkRng(7, 'step:test');
    const graphNoise = forkRng(7, 'step:test');
    const epsRng = forkRng(7, 'eps');
    let xJs: Float32Array = forkRng(7, 'init').normal(size);
    let xGraph: Float32Array = xJs.slice();
    let x0Graph: Float32Array = new Float32Array(size);
    let worst = 0;
    let worstX0 = 0;
    let scale = 1;
    let scaleX0 = 1;
    for (let i = 0; i < js.timesteps.length; i++) {
      // A stand-in ε that depends on the latent, as a UNet's does, so differences would compound.
      const base = epsRng.normal(2 * size);
      const eps2For = (x: Float32Array) => base.map((v, j) => v + 0.1 * (x[j % size] as number));
      const stepJs = js.step('x', i, xJs, cfgCombine(eps2For(xJs), guidance), jsNoise);
      const w = weights.linear(i);
      const noise = w.pNoise !== 0 ? graphNoise.normal(size) : new Float32Array(size);
      const coeffs = Float32Array.of(guidance, w.kEps, w.kDiv, w.pX0, w.pEps, w.pNoise, w.pX, w.pX0Prev);
      const stepGraph = await graphStep(xGraph, eps2For(xGraph), x0Graph, noise, coeffs, [...dims]);
      for (let j = 0; j < size; j++) {
        worst = Math.max(worst, Math.abs((stepJs.prev[j] as number) - (stepGraph.prev[j] as number)));
        worstX0 = Math.max(worstX0, Math.abs((stepJs.x0[j] as number) - (stepGraph.x0[j] as number)));
        scale = Math.max(scale, Math.abs(stepJs.prev[j] as number));
        scaleX0 = Math.max(scaleX0, Math.abs(stepJs.x0[j] as number));
      }
      xJs = stepJs.prev;
      xGraph = stepGraph.prev;
      x0Graph = stepGraph.x0;
    }
    if (kind === 'ddim') {
      expect(worst).toBe(0);
      expect(worstX0).toBe(0);
    } else {
      // float64 in JavaScript against float32 in the graph: a few float32 ulps of the largest value
      expect(worst / scale).toBeLessThanOrEqual(1e-6);
      expect(worstX0 / scaleX0).toBeLessThanOrEqual(1e-6);
    }
  });
});
