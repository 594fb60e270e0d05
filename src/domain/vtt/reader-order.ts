/**
 * @file Each reader's own case order: a shuffle seeded by the study seed and the reader id, so two readers see
 * the cases in different orders (order effects average out) and the same reader gets the same order after a
 * reload or on another machine.
 */
import { createSeededRandom, hashToSeed, randomHex, shuffled } from './prng';

/** Case ids in the order this reader reads them. */
export function readerOrder(caseIds: readonly string[], studySeed: number, readerId: string): string[] {
  return shuffled(caseIds, createSeededRandom(hashToSeed(`${studySeed >>> 0}:${readerId}`)));
}

/** A new opaque reader id (`r` + 12 hex), drawn from `random` (crypto-backed in the app, seeded in tests). */
export function newReaderId(random: () => number): string {
  return `r${randomHex(random, 12)}`;
}
