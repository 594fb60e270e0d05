/**
 * @file Each reader's own case order: a shuffle seeded by the study seed and the reader id, so two readers see
 * the cases in different orders (order effects average out) and the same reader gets the same order after a
 * reload or on another machine.
 */
import { createSeededRandom, hashToSeed, randomHex, shuffled } from './prng';

/** A repeated case comes back at least this many cases after its first reading (fewer only in tiny studies). */
export const MIN_REPEAT_GAP = 5;

/**
 * Case ids in the order this reader reads them. With `repeats`, that many cases from the first half of the order
 * are read again, each inserted at a random place in the second half and at least MIN_REPEAT_GAP cases after
 * its first reading where the study is long enough. With no repeats the order is the plain shuffle (as before
 * repeats existed, so older sessions keep their order).
 */
export function readerOrder(caseIds: readonly string[], studySeed: number, readerId: string, repeats = 0): string[] {
  const random = createSeededRandom(hashToSeed(`${studySeed >>> 0}:${readerId}`));
  const order = shuffled(caseIds, random);
  const half = Math.floor(order.length / 2);
  const count = Math.min(Math.max(0, Math.floor(repeats)), half);
  if (count === 0) return order;
  const firstHalf = shuffled(order.slice(0, half), random).slice(0, count);
  for (const id of firstHalf) {
    const first = order.indexOf(id);
    const earliest = Math.min(order.length, Math.max(half, first + MIN_REPEAT_GAP + 1));
    const at = earliest + Math.floor(random() * (order.length - earliest + 1));
    order.splice(at, 0, id);
  }
  return order;
}

/** A new opaque reader id (`r` + 12 hex), drawn from `random` (crypto-backed in the app, seeded in tests). */
export function newReaderId(random: () => number): string {
  return `r${randomHex(random, 12)}`;
}
