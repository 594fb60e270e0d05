/**
 * @file The pure rules of a batch run, shared by every shard so that shards are deterministic, disjoint and merge
 * to exactly the unsharded run:
 * - case i (0-based) gets the seed `caseSeed(runSeed, i)`, whatever shard runs it;
 * - shard k/N (1-based k) runs the cases with i % N === k − 1;
 * - every file a case writes is named by its index alone (no times, no shard), and its contents depend only on
 *   (run config, i), so the union of the shards' folders equals the unsharded folder byte for byte.
 */
import type { Modality } from '../src/contracts/modality';

export interface Shard {
  /** 1-based shard number. */
  readonly index: number;
  readonly count: number;
}

export const WHOLE_RUN: Shard = { index: 1, count: 1 };

/** "k/N" → shard; k in 1…N. @throws Error with a usage sentence */
export function parseShard(text: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || !(count >= 1) || !(index >= 1 && index <= count)) {
    throw new Error(`--shard must be k/N with 1 ≤ k ≤ N (e.g. 2/8), got "${text}".`);
  }
  return { index, count };
}

/** Case indices of a shard, in order. */
export function shardCases(count: number, shard: Shard): number[] {
  const out: number[] = [];
  for (let i = shard.index - 1; i < count; i += shard.count) out.push(i);
  return out;
}

/** A 32-bit finaliser (murmur3 fmix32): every input bit affects every output bit. */
function fmix32(x: number): number {
  let h = x >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** The seed of case i in a run with seed `runSeed`: a uint32 that depends only on the two. */
export function caseSeed(runSeed: number, index: number): number {
  return fmix32((runSeed >>> 0) ^ fmix32((index + 0x9e3779b9) >>> 0));
}

export function caseId(index: number): string {
  return `case-${String(index).padStart(6, '0')}`;
}

const LETTER: Readonly<Record<Modality, string>> = { frontal: 'F', lateral: 'L', report: 'T' };

/** File of one output of case i: `synthetic_case-000007_T-to-F.png` (report: `.txt`). */
export function caseOutputFile(index: number, directionId: string, output: Modality): string {
  const inputs = (directionId.split('>')[0] ?? '').replace(/[^A-Z]/g, '');
  return `synthetic_${caseId(index)}_${inputs}-to-${LETTER[output]}.${output === 'report' ? 'txt' : 'png'}`;
}

export function caseDicomFile(index: number, directionId: string, output: Modality): string {
  return caseOutputFile(index, directionId, output).replace(/\.png$/, '.dcm');
}

/** The per-case record, written last: its presence (with matching hashes) marks the case done. */
export function caseJsonFile(index: number): string {
  return `synthetic_${caseId(index)}.json`;
}

/** The item of a list that case i uses (prompts, input images): cycled by index, so shards agree. */
export function pickForCase<T>(items: readonly T[], index: number): T {
  const item = items[index % items.length];
  if (item === undefined) throw new Error('pickForCase needs a non-empty list');
  return item;
}
