/**
 * @file "Generate N now" for a study (pure planning): which bundled case conditions each job and which seed it
 * uses. Seeds follow the study seed (seed + 1 + i) so a regenerated set is reproducible; conditioning cases are
 * drawn round-robin from a seeded shuffle so N > number of cases still spreads evenly.
 */
import { createSeededRandom, shuffled } from './prng';

/** The directions offered for generating stimuli: one image out, conditioned on a bundled report or image. */
export const GENERATION_DIRECTIONS = [
  { id: 'T>F', label: 'report → frontal', input: 'report', output: 'frontal' },
  { id: 'T>L', label: 'report → lateral', input: 'report', output: 'lateral' },
  { id: 'L>F', label: 'lateral → frontal', input: 'lateral', output: 'frontal' },
  { id: 'F>L', label: 'frontal → lateral', input: 'frontal', output: 'lateral' },
] as const;

export type GenerationDirection = (typeof GENERATION_DIRECTIONS)[number];

export interface PlannedJob {
  readonly index: number;
  readonly exampleId: string;
  readonly seed: number;
}

export function planGenerationJobs(count: number, studySeed: number, exampleIds: readonly string[]): PlannedJob[] {
  if (!Number.isInteger(count) || count < 1 || exampleIds.length === 0) return [];
  const order = shuffled(exampleIds, createSeededRandom(studySeed ^ 0x9e3779b9));
  return Array.from({ length: count }, (_, index) => ({
    index,
    exampleId: order[index % order.length] as string,
    seed: (studySeed + 1 + index) >>> 0,
  }));
}
