/**
 * @file Builds the pipeline's TextTools from the model's tokenizer files (tokenizer.json bytes).
 * CLIP special ids: the manifest's `textEncoder.bosTokenId/eosTokenId` when given, else the tokenizer's
 * `<|startoftext|>` / `<|endoftext|>`. GPT-2 decoding drops the decoder's BOS/EOS/PAD ids.
 */
import type { ModelEntry } from '../../src/contracts/manifest-schema';
import { loadTokenizer } from '../tokenizers/tokenizer';
import type { TextTokenizer } from '../tokenizers/tokenizer';
import type { TextTools } from './context';

function parseTokenizer(bytes: Uint8Array, name: string): TextTokenizer {
  try {
    return loadTokenizer(new TextDecoder().decode(bytes));
  } catch (e) {
    throw new Error(`The ${name} tokenizer file could not be read: ${(e as Error).message}`);
  }
}

export function buildTextTools(model: ModelEntry, files: { readonly clip?: Uint8Array; readonly gpt2?: Uint8Array }): TextTools {
  const clip = files.clip ? parseTokenizer(files.clip, model.textEncoder.tokenizer) : null;
  const gpt2 = files.gpt2 ? parseTokenizer(files.gpt2, model.textDecoder.tokenizer) : null;
  let bos: number | undefined;
  let eos: number | undefined;
  if (clip) {
    bos = model.textEncoder.bosTokenId ?? clip.tokenToId('<|startoftext|>');
    eos = model.textEncoder.eosTokenId ?? clip.tokenToId('<|endoftext|>');
    if (bos === undefined || eos === undefined) {
      throw new Error('The CLIP tokenizer has no <|startoftext|>/<|endoftext|> tokens and the manifest names no BOS/EOS ids');
    }
  }
  const dec = model.textDecoder;
  const skip = [dec.bosTokenId, dec.eosTokenId, dec.padTokenId];
  return {
    encodeClip(text: string): BigInt64Array {
      if (!clip || bos === undefined || eos === undefined) throw new Error('The CLIP tokenizer is not loaded');
      return clip.encodeClip(text, model.textEncoder.contextLength, bos, eos);
    },
    decodeGpt2(ids: readonly number[]): string {
      if (!gpt2) throw new Error('The GPT-2 tokenizer is not loaded');
      return gpt2.decodeGpt2(ids, skip);
    },
  };
}
