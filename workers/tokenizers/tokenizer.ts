/**
 * @file Thin wrapper over `@huggingface/tokenizers` for the two text branches (spec §2.3–2.4):
 * CLIP-style context ids for `clip_text` and GPT-2 byte-level decoding for the report decoder.
 * Loads a `tokenizer.json` (string or parsed object); no I/O here.
 */
import { Tokenizer } from '@huggingface/tokenizers';

export interface TextTokenizer {
  /** Ids of `text` without any special tokens (the tokenizer.json post-processor is not applied). */
  encodeIds(text: string): number[];
  /**
   * `clip_text` input_ids [contextLength]: BOS + ids + EOS, ids truncated so EOS stays last, padded with EOS
   * (pad = EOS, spec §2.3).
   */
  encodeClip(text: string, contextLength: number, bosId: number, eosId: number): BigInt64Array;
  /** Byte-level decode of generated ids, dropping special tokens (and `extraSkipIds`); no clean-up (see report-text). */
  decodeGpt2(ids: readonly number[], extraSkipIds?: readonly number[]): string;
  tokenToId(token: string): number | undefined;
  /** Ids of the added tokens marked `special` in tokenizer.json. */
  readonly specialIds: ReadonlySet<number>;
}

interface AddedTokenJson {
  readonly id: number;
  readonly content: string;
  readonly special?: boolean;
}

export function loadTokenizer(json: string | object): TextTokenizer {
  const parsed: unknown = typeof json === 'string' ? JSON.parse(json) : json;
  if (typeof parsed !== 'object' || parsed === null || !('model' in parsed)) {
    throw new Error('Not a tokenizer.json: missing "model"');
  }
  const added = (parsed as { added_tokens?: AddedTokenJson[] }).added_tokens ?? [];
  const specialIds = new Set(added.filter((t) => t.special === true).map((t) => t.id));
  // The second argument is tokenizer_config.json; clean-up is done by report-text, not here.
  const tokenizer = new Tokenizer(parsed, { clean_up_tokenization_spaces: false });

  const encodeIds = (text: string): number[] => tokenizer.encode(text, { add_special_tokens: false }).ids;

  return {
    specialIds,
    encodeIds,
    tokenToId: (token) => tokenizer.token_to_id(token),
    encodeClip(text, contextLength, bosId, eosId) {
      if (!Number.isInteger(contextLength) || contextLength < 2) throw new Error(`contextLength must be ≥ 2, got ${contextLength}`);
      const ids = encodeIds(text).slice(0, contextLength - 2);
      const out = new BigInt64Array(contextLength).fill(BigInt(eosId));
      out[0] = BigInt(bosId);
      ids.forEach((id, i) => {
        out[i + 1] = BigInt(id);
      });
      return out; // position ids.length + 1 onwards already holds EOS (= pad)
    },
    decodeGpt2(ids, extraSkipIds = []) {
      const skip = new Set([...specialIds, ...extraSkipIds]);
      const kept = ids.filter((id) => !skip.has(id));
      if (kept.length === 0) return '';
      return tokenizer.decode(kept, { skip_special_tokens: false, clean_up_tokenization_spaces: false });
    },
  };
}
