/**
 * @file Classifier-free guidance (spec §3.4). The pipeline doubles the batch; the first half is unconditional.
 */

/** ε = ε_u + s·(ε_c − ε_u), element-wise in float32 as the reference; input [2B,…] (uncond first) → [B,…]. */
export function cfgCombine(eps2: Float32Array, scale: number): Float32Array {
  if (eps2.length % 2 !== 0) throw new Error(`CFG input length ${eps2.length} is not even (expected [2B, …])`);
  if (!Number.isFinite(scale)) throw new Error(`Guidance scale must be finite, got ${scale}`);
  const half = eps2.length / 2;
  const s = Math.fround(scale);
  const out = new Float32Array(half);
  for (let i = 0; i < half; i++) {
    const uncond = eps2[i] as number;
    const cond = eps2[half + i] as number;
    out[i] = Math.fround(uncond + Math.fround(s * Math.fround(cond - uncond)));
  }
  return out;
}

/** cat([x, x]) along the batch axis: the UNet input for one guided step. */
export function duplicateBatch(x: Float32Array): Float32Array {
  const out = new Float32Array(x.length * 2);
  out.set(x, 0);
  out.set(x, x.length);
  return out;
}
