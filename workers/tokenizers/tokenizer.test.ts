import { describe, expect, it } from 'vitest';
import { cleanDecodedReport } from '../../src/contracts/report-text';
import cases from './__fixtures__/tokenizer-cases.json';
import clipJson from './__fixtures__/tokenizer-clip.json';
import gpt2Json from './__fixtures__/tokenizer-gpt2.json';
import { loadTokenizer } from './tokenizer';

describe('tokenizer wrapper vs Python `tokenizers` (fixtures from the toolchain trainers)', () => {
  const clip = loadTokenizer(clipJson);
  const gpt2 = loadTokenizer(JSON.stringify(gpt2Json));

  it('finds the special tokens', () => {
    expect(clip.tokenToId('<|startoftext|>')).toBe(0);
    expect(clip.tokenToId('<|endoftext|>')).toBe(1);
    expect(gpt2.tokenToId('<PAD>')).toBe(cases.gpt2Specials['<PAD>']);
    expect([...gpt2.specialIds].sort((a, b) => a - b)).toEqual(Object.values(cases.gpt2Specials));
  });

  it.each(cases.cases.map((c) => [c.text.slice(0, 40), c] as const))('%j', (_label, c) => {
    expect(clip.encodeIds(c.text)).toEqual(c.clipIds);
    expect(Array.from(clip.encodeClip(c.text, cases.contextLength, cases.clipBos, cases.clipEos), Number)).toEqual(c.clipContext);
    expect(gpt2.encodeIds(c.text.toLowerCase())).toEqual(c.gpt2Ids);
    expect(gpt2.decodeGpt2(c.gpt2Ids)).toBe(c.gpt2Decoded);
    const { '<PAD>': pad, '<BOS>': bos, '<EOS>': eos } = cases.gpt2Specials;
    expect(cleanDecodedReport(gpt2.decodeGpt2([bos, ...c.gpt2Ids, eos, pad]))).toBe(c.gpt2DecodedWithSpecials);
  });

  it('encodeClip: BOS + ids + EOS, truncated with EOS last, padded with EOS', () => {
    const ids = clip.encodeClip('a '.repeat(40), 8, 0, 1);
    expect(ids).toBeInstanceOf(BigInt64Array);
    expect(ids[0]).toBe(0n);
    expect(ids[7]).toBe(1n);
    expect(Array.from(clip.encodeClip('', 5, 0, 1), Number)).toEqual([0, 1, 1, 1, 1]);
    expect(gpt2.decodeGpt2([])).toBe('');
  });
});
