/** Test-only helpers shared by the scheduler tests. */
import type { ScheduleConfig } from './noise-schedule';
import type { NoiseSource } from './sampler';

export const REFERENCE_SCHEDULE: ScheduleConfig = {
  numTrainTimesteps: 1000,
  betaStart: 0.00085,
  betaEnd: 0.012,
  betaSchedule: 'scaled_linear',
  predictionType: 'epsilon',
};

/** A NoiseSource that replays fixed values and records every draw. */
export function scriptedNoise(values: readonly number[]): NoiseSource & { draws: number[] } {
  const draws: number[] = [];
  return {
    draws,
    normal(count: number) {
      draws.push(count);
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = values[i % values.length] as number;
      return out;
    },
  };
}

export const noNoise: NoiseSource = {
  normal() {
    throw new Error('this sampler must not draw noise');
  },
};
