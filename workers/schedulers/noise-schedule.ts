/**
 * @file Noise schedule of the reference model (spec §3.1): betas and ᾱ_t = Π(1 − β), computed in float64.
 * The reference stores these buffers as float32; samplers round with `Math.fround` where the reference does.
 */

/** Shaped like diffusers' `scheduler_config.json` and the manifest's `schedule` block. */
export interface ScheduleConfig {
  readonly numTrainTimesteps: number;
  readonly betaStart: number;
  readonly betaEnd: number;
  /** `scaled_linear`: linear in √β (LDM/SD; the reference's sd.py calls this "linear"). `linear`: linear in β. */
  readonly betaSchedule: 'scaled_linear' | 'linear';
  readonly predictionType: 'epsilon';
}

/** β_t for t = 0 … T−1 (float64). */
export function betas(cfg: ScheduleConfig): Float64Array {
  const steps = cfg.numTrainTimesteps;
  if (!Number.isInteger(steps) || steps < 2) throw new Error(`numTrainTimesteps must be an integer ≥ 2, got ${steps}`);
  if (cfg.predictionType !== 'epsilon') throw new Error(`Unsupported predictionType '${String(cfg.predictionType)}'`);
  const out = new Float64Array(steps);
  for (let t = 0; t < steps; t++) {
    const frac = t / (steps - 1);
    if (cfg.betaSchedule === 'scaled_linear') {
      const root = Math.sqrt(cfg.betaStart) + (Math.sqrt(cfg.betaEnd) - Math.sqrt(cfg.betaStart)) * frac;
      out[t] = root * root;
    } else if (cfg.betaSchedule === 'linear') {
      out[t] = cfg.betaStart + (cfg.betaEnd - cfg.betaStart) * frac;
    } else {
      throw new Error(`Unsupported betaSchedule '${String(cfg.betaSchedule)}'`);
    }
  }
  return out;
}

/** ᾱ_t = Π_{s≤t}(1 − β_s) for t = 0 … T−1 (float64). */
export function alphasCumprod(cfg: ScheduleConfig): Float64Array {
  const beta = betas(cfg);
  const out = new Float64Array(beta.length);
  let product = 1;
  for (let t = 0; t < beta.length; t++) {
    product *= 1 - (beta[t] as number);
    out[t] = product;
  }
  return out;
}
