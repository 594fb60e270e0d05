/**
 * @file Clean-up of decoded report text (spec §4.2): strip special tokens, undo GPT-2 tokenisation spaces
 * (transformers' `clean_up_tokenization`), collapse whitespace, trim.
 */

const SPECIAL_TOKENS = ['<|startoftext|>', '<|endoftext|>', '<BOS>', '<EOS>', '<PAD>'];

/** transformers `clean_up_tokenization` replacements, in its order. */
const CLEANUPS: readonly [string, string][] = [
  [' .', '.'],
  [' ?', '?'],
  [' !', '!'],
  [' ,', ','],
  [" ' ", "'"],
  [" n't", "n't"],
  [" 'm", "'m"],
  [" 's", "'s"],
  [" 've", "'ve"],
  [" 're", "'re"],
];

export function cleanDecodedReport(text: string): string {
  let out = text;
  for (const token of SPECIAL_TOKENS) out = out.split(token).join(' ');
  out = out.replace(/\s+/g, ' ');
  for (const [from, to] of CLEANUPS) out = out.split(from).join(to);
  return out.trim();
}
