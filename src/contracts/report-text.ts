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

/** Report sections, written in capitals before their colon as radiology reports write them ("FINDINGS:"). */
const SECTION_HEADER = /\b(clinical history|findings|impression|comparison|indication|history|technique|examination|recommendations?|conclusions?)(?=\s*:)/g;

/** Abbreviations reports write in capitals, matched as whole words only ("pa" but not "pacemaker"). */
const CAPITAL_ABBREVIATIONS = new Set(['pa', 'ap', 'icu', 'et', 'ett', 'ng', 'og', 'picc', 'ij', 'svc', 'ivc', 'chf', 'copd', 'ct', 'mri', 'cabg', 'ards', 'rul', 'rml', 'rll', 'lul', 'lll']);

/**
 * The report decoder writes lower case only: its training reports were lower-cased (spec §2.6, as Optimus was
 * fine-tuned). This gives the text back the case a radiologist writes: section headers in capitals, a capital at the
 * start of every sentence and after a header's colon, and the usual capitalised abbreviations. A text that already
 * holds a capital letter is returned as it is (a decoder that keeps case). Only ASCII letters change, so the text
 * keeps its length and every character offset into it; the labeler ignores case, so its findings do not change.
 */
export function restoreReportCase(text: string): string {
  if (/[A-Z]/.test(text)) return text;
  let out = text.replace(SECTION_HEADER, (header) => header.toUpperCase());
  out = out.replace(/\b[a-z]+\b/g, (word) => (CAPITAL_ABBREVIATIONS.has(word) ? word.toUpperCase() : word));
  // The first letter of the text, and the first after a sentence's end or a colon followed by white space.
  return out.replace(/(^|[.!?:]\s+)([a-z])/g, (_, before: string, letter: string) => before + letter.toUpperCase());
}
