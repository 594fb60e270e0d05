/**
 * @file Speed of the report decoder's token draw at the full GPT-2 vocabulary (50,257) and at nano's (676):
 * `npx vitest bench --run workers/text/token-sampling.bench.ts`. The "full sort" case is the nucleus as first
 * written (the whole vocabulary sorted for every token), kept here only as the baseline.
 */
import { bench, describe } from 'vitest';
import { createRng } from '../schedulers/rng';
import { sampleToken } from './token-sampling';

function logitsOf(size: number, spread: number): Float32Array {
  const rng = createRng(size + spread);
  return Float32Array.from(rng.normal(size), (z) => z * spread);
}

function fullSortNucleus(logits: Float32Array, topP: number): number {
  let maxLogit = -Infinity;
  for (const v of logits) if (v > maxLogit) maxLogit = v;
  const probs = Float64Array.from(logits, (v) => Math.exp(v - maxLogit));
  const total = probs.reduce((a, b) => a + b, 0);
  const order = Int32Array.from({ length: logits.length }, (_, i) => i).sort((a, b) => (probs[b] as number) - (probs[a] as number) || a - b);
  let kept = 0;
  let mass = 0;
  while (kept < order.length && (kept === 0 || mass < topP * total)) mass += probs[order[kept++] as number] as number;
  return kept;
}

const u = createRng(7).uniform;
// Spread 4 is a peaked distribution (as a trained LM's), spread 2 a flat one with a large nucleus.
for (const [size, spread] of [[50257, 4], [50257, 2], [676, 4]] as const) {
  const logits = logitsOf(size, spread);
  describe(`vocabulary ${size}, logit spread ${spread}`, () => {
    bench('top-p 0.9', () => void sampleToken(logits, { temperature: 1, topP: 0.9, rng: u }));
    bench('top-p 0.9, full sort (the earlier nucleus)', () => void fullSortNucleus(logits, 0.9));
    bench('top-p 1 (no nucleus)', () => void sampleToken(logits, { temperature: 1, topP: 1, rng: u }));
  });
}
