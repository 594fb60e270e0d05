/**
 * @file Next-token choice for the report decoder (spec §4.2): temperature, nucleus (top-p), multinomial draw.
 * Deterministic given `rng`. Softmax in float64 with max-subtraction.
 */

export interface TokenSamplingOptions {
  /** ≤ 0 selects greedy argmax. The reference uses 1. */
  readonly temperature: number;
  /** Keep the smallest set of most probable tokens whose mass ≥ topP (always ≥ 1 token); ≥ 1 keeps all. */
  readonly topP: number;
  /** Uniform in [0, 1). */
  readonly rng: () => number;
}

/** Index of the largest finite logit (first on ties). */
export function argmax(logits: ArrayLike<number>): number {
  let best = -1;
  let bestValue = -Infinity;
  for (let i = 0; i < logits.length; i++) {
    const v = logits[i] as number;
    if (v > bestValue) {
      bestValue = v;
      best = i;
    }
  }
  if (best < 0) throw new Error('sampleToken: no finite logit');
  return best;
}

export function sampleToken(logits: Float32Array, opts: TokenSamplingOptions): number {
  if (logits.length === 0) throw new Error('sampleToken: empty logits');
  const { temperature, topP, rng } = opts;
  if (Number.isNaN(temperature)) throw new Error(`Bad temperature ${temperature}`);
  if (temperature <= 0) return argmax(logits);
  if (!(topP > 0)) throw new Error(`topP must be > 0, got ${topP}`);

  const maxLogit = logits[argmax(logits)] as number;
  const probs = new Float64Array(logits.length);
  let total = 0;
  for (let i = 0; i < logits.length; i++) {
    const p = Math.exp(((logits[i] as number) - maxLogit) / temperature); // -Infinity logits → 0
    probs[i] = p;
    total += p;
  }

  if (topP >= 1) return drawAll(probs, total, rng);

  const order = Int32Array.from({ length: logits.length }, (_, i) => i);
  // Descending probability; index order breaks ties so the result is platform-independent.
  order.sort((a, b) => (probs[b] as number) - (probs[a] as number) || a - b);
  const threshold = topP * total;
  let kept = 0;
  let mass = 0;
  while (kept < order.length && (kept === 0 || mass < threshold)) {
    mass += probs[order[kept] as number] as number;
    kept++;
  }
  const candidates = order.subarray(0, kept);

  const u = rng();
  if (!(u >= 0 && u < 1)) throw new Error(`rng() must return a value in [0, 1), got ${u}`);
  let target = u * mass;
  for (let k = 0; k < candidates.length; k++) {
    const id = candidates[k] as number;
    target -= probs[id] as number;
    if (target < 0) return id;
  }
  // Rounding left a sliver: return the last candidate with non-zero probability.
  for (let k = candidates.length - 1; k >= 0; k--) {
    const id = candidates[k] as number;
    if ((probs[id] as number) > 0) return id;
  }
  return candidates[0] as number;
}

/** The draw over every token in index order (top-p ≥ 1), without building a candidate list. */
function drawAll(probs: Float64Array, total: number, rng: () => number): number {
  const u = rng();
  if (!(u >= 0 && u < 1)) throw new Error(`rng() must return a value in [0, 1), got ${u}`);
  let target = u * total;
  for (let id = 0; id < probs.length; id++) {
    target -= probs[id] as number;
    if (target < 0) return id;
  }
  for (let id = probs.length - 1; id >= 0; id--) if ((probs[id] as number) > 0) return id;
  return 0;
}
