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
  const probs = scratchProbs(logits.length);
  let total = 0;
  for (let i = 0; i < logits.length; i++) {
    const p = Math.exp(((logits[i] as number) - maxLogit) / temperature); // -Infinity logits → 0
    probs[i] = p;
    total += p;
  }

  if (topP >= 1) return drawAll(probs, total, rng);

  const { candidates, mass } = nucleus(probs, total, topP);
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

/**
 * One probability buffer reused across tokens (a report draws hundreds, and a full-size GPT-2 vocabulary is 50,257
 * entries, 400 KB a token otherwise). Only the first `length` entries are meaningful.
 */
let scratch = new Float64Array(0);
function scratchProbs(length: number): Float64Array {
  if (scratch.length < length) scratch = new Float64Array(length);
  return scratch.subarray(0, length);
}

/** Descending probability; index order breaks ties so the result is platform-independent. */
function byProbability(probs: Float64Array): (a: number, b: number) => number {
  return (a, b) => (probs[b] as number) - (probs[a] as number) || a - b;
}

/**
 * The nucleus: the shortest prefix of the tokens in `byProbability` order whose mass reaches topP · total (at least
 * one token), and that mass, summed in the same order.
 *
 * Sorting the whole vocabulary for every token took about 40 ms at 50,257 entries. Instead only the tokens with
 * probability ≥ τ are sorted: they are exactly a prefix of the full order (every token above τ comes before every
 * token below it, and ties fall on the same side), so once their sorted mass reaches the threshold the walk returns
 * what a full sort would, bit for bit. τ starts at total / 16 and shrinks 16-fold until the tokens above it hold
 * enough mass, down to (1 − topP) · total / (2V): the V tokens below that hold less than half of the 1 − topP share,
 * so it always suffices but for rounding. If even that fails (or the logits held NaN), the whole vocabulary is sorted.
 */
function nucleus(probs: Float64Array, total: number, topP: number): { candidates: Int32Array; mass: number } {
  const threshold = topP * total;
  const floor = ((1 - topP) * total) / (2 * probs.length);
  if (total > 0 && floor > 0) {
    for (let tau = total / 16; ; tau /= 16) {
      const t = Math.max(tau, floor);
      let count = 0;
      let massAbove = 0;
      for (let i = 0; i < probs.length; i++) {
        const p = probs[i] as number;
        if (p >= t) {
          count++;
          massAbove += p;
        }
      }
      // Summed in index order this is the sorted mass up to rounding; sort only where it can reach the threshold.
      if (massAbove >= threshold * (1 - 1e-9)) {
        const above = new Int32Array(count);
        for (let i = 0, j = 0; i < probs.length; i++) if ((probs[i] as number) >= t) above[j++] = i;
        const prefix = walk(above.sort(byProbability(probs)), probs, threshold);
        if (prefix.mass >= threshold) return prefix;
      }
      if (t === floor) break;
    }
  }
  const order = Int32Array.from({ length: probs.length }, (_, i) => i);
  return walk(order.sort(byProbability(probs)), probs, threshold);
}

/** The shortest prefix of `order` whose mass reaches `threshold` (at least one token; all of it if none does). */
function walk(order: Int32Array, probs: Float64Array, threshold: number): { candidates: Int32Array; mass: number } {
  let kept = 0;
  let mass = 0;
  while (kept < order.length && (kept === 0 || mass < threshold)) {
    mass += probs[order[kept] as number] as number;
    kept++;
  }
  return { candidates: order.subarray(0, kept), mass };
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
