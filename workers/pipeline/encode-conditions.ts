/**
 * @file Conditioning inputs → the guided context [2B,1,E] (uncond half first), spec §3.4–3.6.
 * Report text → CLIP tokenizer → `clip_text`; image → CLIP preprocessing → `clip_vision`. The unconditional
 * half uses the precomputed `u_txt` / `u_img` of the `unconditional` asset, mixed with the same weights.
 */
import type { ConditionInput } from '../../src/contracts/job';
import { preprocessClipImage } from '../preprocess/clip-image';
import { mixConditions } from '../schedulers/multi-prompt';
import type { WeightedCondition } from '../schedulers/multi-prompt';
import { float32, int64 } from '../runtime/session';
import type { PipelineContext, TextTools, Unconditional } from './context';
import { pickOutput, throwIfAborted } from './context';

/** Parses `unconditional.json` ({"text": number[E], "image": number[E]}). */
export function parseUnconditional(bytes: Uint8Array, embedDim: number): Unconditional {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch (e) {
    throw new Error(`unconditional.json is not valid JSON: ${(e as Error).message}`);
  }
  const read = (key: 'text' | 'image'): Float32Array => {
    const v = (json as Record<string, unknown> | null)?.[key];
    if (!Array.isArray(v) || v.length !== embedDim || v.some((x) => typeof x !== 'number')) {
      throw new Error(`unconditional.json: "${key}" should be a list of ${embedDim} numbers`);
    }
    return Float32Array.from(v as number[]);
  };
  return { text: read('text'), image: read('image') };
}

/** Embeds one input: [E] (B = 1). */
async function embed(ctx: PipelineContext, input: ConditionInput, text: TextTools | null): Promise<Float32Array> {
  const { model } = ctx;
  if (input.modality === 'report') {
    if (!text) throw new Error('A report input needs the CLIP tokenizer');
    const ids = text.encodeClip(input.text);
    const L = model.textEncoder.contextLength;
    if (ids.length !== L) throw new Error(`The CLIP tokenizer returned ${ids.length} ids, the model needs ${L}`);
    const out = await ctx.run('clip_text', { input_ids: int64(ids, [1, L]) });
    return pickOutput(out, 'text_embed', 'clip_text').data;
  }
  const size = model.clipImage.size;
  const pixels = preprocessClipImage(input.image, model.clipImage);
  const out = await ctx.run('clip_vision', { pixel_values: float32(pixels, [1, 3, size, size]) });
  return pickOutput(out, 'image_embed', 'clip_vision').data;
}

/** Returns the guided context [2,1,E] for B = 1. Emits one `encode` event per input. */
export async function encodeConditions(
  ctx: PipelineContext,
  inputs: readonly ConditionInput[],
  text: TextTools | null,
  uncond: Unconditional,
): Promise<Float32Array> {
  const E = ctx.model.embedDim;
  const conds: WeightedCondition[] = [];
  for (const input of inputs) {
    throwIfAborted(ctx.signal);
    ctx.emit({ type: 'encode', jobId: ctx.jobId, modality: input.modality });
    const cond = await embed(ctx, input, text);
    if (cond.length !== E) throw new Error(`The ${input.modality} embedding has ${cond.length} values, the model needs ${E}`);
    conds.push({ cond, uncond: input.modality === 'report' ? uncond.text : uncond.image, weight: input.weight });
  }
  return mixConditions(conds, E, 1);
}
