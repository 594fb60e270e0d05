import { describe, expect, it } from 'vitest';
import { createRng } from '../schedulers/rng';
import { sampleToken } from './token-sampling';

const constant = (u: number) => () => u;

describe('sampleToken', () => {
  const logits = new Float32Array([1, 3, 2, -Infinity, 3]);

  it('temperature ≤ 0 is greedy argmax (first on ties)', () => {
    expect(sampleToken(logits, { temperature: 0, topP: 1, rng: constant(0.99) })).toBe(1);
    expect(sampleToken(logits, { temperature: -1, topP: 0.1, rng: constant(0) })).toBe(1);
  });

  it('multinomial over softmax: u walks the cumulative distribution in index order', () => {
    // p ∝ [e^1, e^3, e^2, 0, e^3]
    const w = [Math.E, Math.E ** 3, Math.E ** 2, 0, Math.E ** 3];
    const total = w.reduce((a, b) => a + b);
    const cdf = w.map((_, i) => w.slice(0, i + 1).reduce((a, b) => a + b) / total);
    expect(sampleToken(logits, { temperature: 1, topP: 1, rng: constant(0) })).toBe(0);
    expect(sampleToken(logits, { temperature: 1, topP: 1, rng: constant((cdf[0] as number) + 1e-9) })).toBe(1);
    expect(sampleToken(logits, { temperature: 1, topP: 1, rng: constant((cdf[2] as number) + 1e-9) })).toBe(4);
    expect(sampleToken(logits, { temperature: 1, topP: 1, rng: constant(0.999999) })).toBe(4);
  });

  it('never picks a -Infinity logit', () => {
    const rng = createRng(3).uniform;
    for (let i = 0; i < 500; i++) expect(sampleToken(logits, { temperature: 1, topP: 1, rng })).not.toBe(3);
  });

  it('top-p keeps the smallest set with mass ≥ topP (≥ 1 token)', () => {
    const l = new Float32Array([Math.log(0.1), Math.log(0.5), Math.log(0.15), Math.log(0.25)]);
    // sorted: 1 (0.5), 3 (0.25), 2 (0.15), 0 (0.1)
    const seen = (topP: number) => {
      const ids = new Set<number>();
      for (let k = 0; k < 200; k++) ids.add(sampleToken(l, { temperature: 1, topP, rng: constant(k / 200) }));
      return [...ids].sort();
    };
    expect(seen(0.01)).toEqual([1]);
    expect(seen(0.5)).toEqual([1]);
    expect(seen(0.6)).toEqual([1, 3]);
    expect(seen(0.75)).toEqual([1, 3]);
    expect(seen(0.8)).toEqual([1, 2, 3]);
    expect(seen(1)).toEqual([0, 1, 2, 3]);
  });

  it('temperature sharpens / flattens', () => {
    const l = new Float32Array([0, 1]);
    // u = 0.3: at T=1 p0 = 0.269 → token 1; at T=10 p0 ≈ 0.475 → token 0
    expect(sampleToken(l, { temperature: 1, topP: 1, rng: constant(0.3) })).toBe(1);
    expect(sampleToken(l, { temperature: 10, topP: 1, rng: constant(0.3) })).toBe(0);
  });

  it('is deterministic for a seeded rng', () => {
    const l = Float32Array.from({ length: 50 }, (_, i) => Math.sin(i));
    const draw = () => {
      const rng = createRng(11).uniform;
      return Array.from({ length: 20 }, () => sampleToken(l, { temperature: 0.8, topP: 0.9, rng }));
    };
    expect(draw()).toEqual(draw());
  });
});

/** The nucleus as first written: sort the whole vocabulary, walk it. The shipped sampler must draw what this does. */
function referenceSampler(logits: Float32Array, temperature: number, topP: number): (u: number) => number {
  let maxLogit = -Infinity;
  for (const v of logits) if (v > maxLogit) maxLogit = v;
  const probs = Float64Array.from(logits, (v) => Math.exp((v - maxLogit) / temperature));
  const total = probs.reduce((a, b) => a + b, 0);
  const order = Int32Array.from({ length: logits.length }, (_, i) => i).sort((a, b) => (probs[b] as number) - (probs[a] as number) || a - b);
  let kept = 0;
  let mass = 0;
  while (kept < order.length && (kept === 0 || mass < topP * total)) mass += probs[order[kept++] as number] as number;
  return (u) => {
    let target = u * mass;
    for (let k = 0; k < kept; k++) {
      target -= probs[order[k] as number] as number;
      if (target < 0) return order[k] as number;
    }
    for (let k = kept - 1; k >= 0; k--) if ((probs[order[k] as number] as number) > 0) return order[k] as number;
    return order[0] as number;
  };
}

describe('sampleToken top-p against a full sort of the vocabulary', () => {
  it('returns the same token for peaked, flat, tied and masked distributions, small and GPT-2-sized', { timeout: 60_000 }, () => {
    const rng = createRng(2026);
    const normal = () => rng.normal(1)[0] as number;
    let compared = 0;
    for (const size of [5, 676, 50257]) {
      for (const spread of [0, 0.5, 2, 6]) {
        // spread 0: every logit equal (all ties); quantised logits below make many exact ties too.
        const logits = Float32Array.from({ length: size }, (_, i) => (i % 97 === 3 ? -Infinity : Math.round(normal() * spread * 4) / 4));
        if (size === 5) logits[3] = -Infinity;
        for (const topP of [0.05, 0.5, 0.9, 0.95, 0.999]) {
          for (const temperature of [0.7, 1]) {
            const reference = referenceSampler(logits, temperature, topP);
            for (const u of [0, 0.25, 0.5, 0.9999, rng.uniform()]) {
              const got = sampleToken(logits, { temperature, topP, rng: constant(u) });
              expect(got, `size ${size} spread ${spread} topP ${topP} T ${temperature} u ${u}`).toBe(reference(u));
              compared++;
            }
          }
        }
      }
    }
    expect(compared).toBe(3 * 4 * 5 * 2 * 5);
  });

  it('a shorter vocabulary after a longer one reads only its own probabilities (the buffer is reused)', () => {
    const long = Float32Array.from({ length: 1000 }, (_, i) => (i === 999 ? 50 : 0));
    expect(sampleToken(long, { temperature: 1, topP: 0.9, rng: constant(0.5) })).toBe(999);
    const short = new Float32Array([0, 1, 0.5]);
    for (const u of [0, 0.3, 0.6, 0.99]) {
      for (const topP of [0.5, 0.9]) expect(sampleToken(short, { temperature: 1, topP, rng: constant(u) })).toBe(referenceSampler(short, 1, topP)(u));
    }
  });
});
