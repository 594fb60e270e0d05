import { describe, expect, it } from 'vitest';
import { filesToEvict } from './variant-eviction';

const files = (...hashes: string[]) => hashes.map((sha256) => ({ sha256 }));

describe('filesToEvict', () => {
  // q4 and fp32 share the tokenizer (t) and the classifier graph (c); q4 has its own UNet (u4), fp32 has u32.
  const q4 = files('u4', 'c', 't');
  const fp32 = files('u32', 'c', 't');

  it('deletes every file of the variant when no other variant is on the device', () => {
    expect(filesToEvict(q4, [fp32], new Set(['u4', 'c', 't']))).toEqual(['u4', 'c', 't']);
  });

  it('keeps the files another cached variant needs', () => {
    expect(filesToEvict(q4, [fp32], new Set(['u4', 'u32', 'c', 't']))).toEqual(['u4']);
  });

  it('also deletes files that are only partly downloaded', () => {
    expect(filesToEvict(q4, [fp32], new Set(['c', 't']))).toEqual(['u4', 'c', 't']);
  });

  it('treats a variant with the very same files as the removed one (nothing of its own is left)', () => {
    expect(filesToEvict(q4, [files('u4', 'c', 't')], new Set(['u4', 'c', 't']))).toEqual(['u4', 'c', 't']);
  });
});
