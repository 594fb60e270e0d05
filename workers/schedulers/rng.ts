/**
 * @file Seeded randomness: xoshiro128** seeded through splitmix32, Box–Muller normals.
 * `forkRng(seed, stream)` derives independent streams from one user seed by hashing the stream name, so e.g. the
 * frontal latent's noise does not change when a report output is added to the job.
 */
import type { NoiseSource } from './sampler';

export interface Rng extends NoiseSource {
  /** Uniform in [0, 1), 32 bits of resolution. */
  uniform(): number;
  /** Raw 32-bit unsigned output. */
  nextUint32(): number;
  /** `count` fresh N(0,1) values (Box–Muller; the second value of each pair is cached for the next draw). */
  normal(count: number): Float32Array;
}

/** splitmix32 step: returns [output, nextState]. */
function splitmix32(state: number): [number, number] {
  const next = (state + 0x9e3779b9) | 0;
  let z = next;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  z ^= z >>> 16;
  return [z >>> 0, next];
}

/** FNV-1a over the UTF-16 code units of a string (stable across platforms). */
function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

const TWO_POW_32 = 4294967296;

/** A generator seeded from a 32-bit seed (other numbers are reduced modulo 2^32). */
export function createRng(seed: number): Rng {
  if (!Number.isFinite(seed)) throw new Error(`Seed must be a finite number, got ${seed}`);
  let sm = Math.trunc(seed) | 0;
  const state = new Uint32Array(4);
  for (let i = 0; i < 4; i++) {
    const [value, next] = splitmix32(sm);
    state[i] = value;
    sm = next;
  }
  if (state.every((v) => v === 0)) state[0] = 1; // xoshiro must not start all-zero
  return createRngFromState(state);
}

/** xoshiro128** from an explicit 128-bit state (four uint32, not all zero). */
export function createRngFromState(initial: ArrayLike<number>): Rng {
  if (initial.length !== 4) throw new Error('xoshiro128** needs 4 state words');
  const state = Uint32Array.from(initial);
  if (state.every((v) => v === 0)) throw new Error('xoshiro128** state must not be all zero');
  let cachedNormal: number | null = null;

  const nextUint32 = (): number => {
    const s0 = state[0] as number;
    const s1 = state[1] as number;
    const s2 = state[2] as number;
    const s3 = state[3] as number;
    const m = Math.imul(s1, 5);
    const result = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
    const t = s1 << 9;
    const n2 = s2 ^ s0;
    const n3 = s3 ^ s1;
    state[1] = s1 ^ n2;
    state[0] = s0 ^ n3;
    state[2] = n2 ^ t;
    state[3] = (n3 << 11) | (n3 >>> 21);
    return result;
  };
  const uniform = (): number => nextUint32() / TWO_POW_32;

  const normalOne = (): number => {
    if (cachedNormal !== null) {
      const v = cachedNormal;
      cachedNormal = null;
      return v;
    }
    const u1 = 1 - uniform(); // (0, 1]: log never sees 0
    const u2 = uniform();
    const radius = Math.sqrt(-2 * Math.log(u1));
    const angle = 2 * Math.PI * u2;
    cachedNormal = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  };

  return {
    uniform,
    nextUint32,
    normal(count: number): Float32Array {
      if (!Number.isInteger(count) || count < 0) throw new Error(`normal(count) needs a non-negative integer, got ${count}`);
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = normalOne();
      return out;
    },
  };
}

/** An independent stream for `stream` (e.g. 'latent:frontal', 'tokens:report') derived from the user seed. */
export function forkRng(seed: number, stream: string): Rng {
  const [mixed] = splitmix32((Math.trunc(seed) | 0) ^ hashString(stream));
  const [mixedAgain] = splitmix32(mixed ^ Math.imul(hashString(stream), 0x27d4eb2d));
  return createRng(mixedAgain);
}
