/**
 * @file Multi-prompt conditioning (spec §3.6): context = Σ w_i c_i / Σ w_i, the same weights for the
 * unconditional half. Unit vectors are averaged WITHOUT re-normalisation, as the reference does.
 */

export interface WeightedCondition {
  /** [B, E] (or [E], broadcast over the batch) */
  readonly cond: Float32Array;
  /** [B, E] (or [E], broadcast over the batch) — e.g. the precomputed u_txt / u_img */
  readonly uncond: Float32Array;
  readonly weight: number;
}

/** Builds the guided context [2B, 1, E]: weighted mean of the unconds (first half), then of the conds. */
export function mixConditions(conds: readonly WeightedCondition[], embedDim: number, batch: number): Float32Array {
  if (conds.length === 0) throw new Error('mixConditions: at least one condition is required');
  if (!Number.isInteger(embedDim) || embedDim < 1) throw new Error(`mixConditions: bad embedDim ${embedDim}`);
  if (!Number.isInteger(batch) || batch < 1) throw new Error(`mixConditions: bad batch ${batch}`);
  let totalWeight = 0;
  conds.forEach((c, i) => {
    if (!Number.isFinite(c.weight)) throw new Error(`mixConditions: condition ${i} has non-finite weight ${c.weight}`);
    for (const [label, v] of [['cond', c.cond], ['uncond', c.uncond]] as const) {
      if (v.length !== embedDim && v.length !== embedDim * batch) {
        throw new Error(`mixConditions: condition ${i} ${label} has length ${v.length}, expected ${embedDim} or ${embedDim * batch} (E=${embedDim}, B=${batch})`);
      }
    }
    totalWeight += c.weight;
  });
  if (!(totalWeight > 0)) throw new Error(`mixConditions: total weight must be > 0, got ${totalWeight}`);

  const half = batch * embedDim;
  const out = new Float32Array(2 * half);
  const f32 = Math.fround;
  // PyTorch float32 semantics (toolchain `sample`): scalars are cast to float32, each op rounds.
  const divisor = f32(totalWeight);
  const weights = conds.map((c) => f32(c.weight));
  for (let b = 0; b < batch; b++) {
    for (let e = 0; e < embedDim; e++) {
      let accUncond = 0;
      let accCond = 0;
      conds.forEach((c, i) => {
        const w = weights[i] as number;
        // [E] vectors broadcast over the batch.
        const ui = c.uncond.length === embedDim ? e : b * embedDim + e;
        const ci = c.cond.length === embedDim ? e : b * embedDim + e;
        accUncond = f32(accUncond + f32((c.uncond[ui] as number) * w));
        accCond = f32(accCond + f32((c.cond[ci] as number) * w));
      });
      out[b * embedDim + e] = f32(accUncond / divisor);
      out[half + b * embedDim + e] = f32(accCond / divisor);
    }
  }
  return out;
}
