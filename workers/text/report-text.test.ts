import { describe, expect, it } from 'vitest';
import { cleanDecodedReport } from './report-text';

describe('cleanDecodedReport', () => {
  it('removes special tokens, undoes tokenisation spaces, collapses whitespace', () => {
    expect(cleanDecodedReport('<BOS> the heart is normal in size . no effusion , no pneumothorax .<EOS><PAD><PAD>')).toBe(
      'the heart is normal in size. no effusion, no pneumothorax.',
    );
    expect(cleanDecodedReport("<|startoftext|>there is n't any change ; patient 's lungs are clear !  ok ?<|endoftext|>")).toBe(
      "there isn't any change ; patient's lungs are clear! ok?",
    );
    expect(cleanDecodedReport(" we 've seen , they 're fine , i 'm sure")).toBe("we've seen, they're fine, i'm sure");
    expect(cleanDecodedReport('  \n ')).toBe('');
  });
});
