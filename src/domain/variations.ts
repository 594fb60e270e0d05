/**
 * @file "Variations": one Generate makes N results of the same prompt with different seeds, each an ordinary result
 * saved to History (its own seed reproduces it alone), and offers them side by side in History → Compare.
 */
import { MAX_SEED } from './compose-request';

export { MAX_VARIATIONS } from './compose-request';

/**
 * Seeds of `count` variations from `seed`: s, s + C, s + 2C, … with C the report candidates each variation samples
 * (seeds s … s + C − 1 for the first one's candidates), so no two jobs of one Generate share a seed. Wraps at 2^32.
 */
export function variationSeeds(seed: number, count: number, candidatesPerVariation = 1): number[] {
  const stride = Math.max(1, Math.floor(candidatesPerVariation));
  return Array.from({ length: Math.max(1, Math.floor(count)) }, (_, k) => (seed + k * stride) % (MAX_SEED + 1));
}
