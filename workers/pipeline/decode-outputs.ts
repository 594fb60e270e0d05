/**
 * @file Final latents → outputs (spec §4).
 * Images: `vae_decoder` (1/scale applied in-graph) → channel 0 → 8-bit grey.
 * Report: `gpt2_init` gives the one-slot memory; `gpt2_step` then runs token by token with its KV cache:
 * `<BOS>` at position 1 first (position 0 is the memory slot), each sampled token next with the previous step's
 * present K/V. Multinomial sampling (temperature, top-p; temperature 0 = greedy) from the job's `tokens` stream;
 * stops at `<EOS>`, maxTokens or maxLength − 1 tokens; the signal is checked before every token.
 */
import type { GenerationSettings, GreyImage } from '../../src/contracts/job';
import { latentImageToGrey } from '../preprocess/image-output';
import { forkRng } from '../schedulers/rng';
import { sampleToken } from '../text/token-sampling';
import { cleanDecodedReport } from '../text/report-text';
import { float32, int64 } from '../runtime/session';
import type { OutputTensor } from '../runtime/session';
import type { PipelineContext, TextTools } from './context';
import { checkpoint, pickOutput } from './context';

/** Image latent [1,C,h,w] (diffusion space) → grey image. */
export async function decodeImage(ctx: PipelineContext, latent: Float32Array): Promise<GreyImage> {
  const { channels, size } = ctx.model.latents.image;
  const out = await ctx.run('vae_decoder', { latent: float32(latent, [1, channels, size, size]) });
  const image = pickOutput(out, 'image', 'vae_decoder');
  const [, c, h, w] = image.dims;
  if (image.dims.length !== 4 || c === undefined || h === undefined || w === undefined || c < 1) {
    throw new Error(`vae_decoder returned shape [${image.dims.join(',')}], expected [1,3,S,S]`);
  }
  // latentImageToGrey reads channel 0 of [B,3,H,W]; tolerate a 1-channel decoder by padding.
  const data = c >= 3 ? image.data : padChannels(image.data, c, h * w);
  return latentImageToGrey(data, w, h, 0);
}

function padChannels(data: Float32Array, channels: number, plane: number): Float32Array {
  const out = new Float32Array(3 * plane);
  out.set(data.subarray(0, Math.min(channels, 3) * plane));
  return out;
}

export interface ReportDecodeOptions {
  readonly settings: GenerationSettings;
  readonly seed: number;
}

/**
 * Text latent [1,D] → report token ids (no BOS/EOS). `onToken` sees the ids so far after every token.
 * At most `maxLength − 1` tokens: `maxLength` counts the `<BOS>` too (spec §4.2; the toolchain's `decode_report`
 * runs `max_length − 1` steps), which also keeps every position id below `maxLength`.
 */
export async function sampleReportTokens(
  ctx: PipelineContext,
  latent: Float32Array,
  options: ReportDecodeOptions,
  onToken?: (ids: readonly number[]) => void,
): Promise<number[]> {
  const { model } = ctx;
  const dec = model.textDecoder;
  const D = model.latents.text.dim;
  const init = await ctx.run('gpt2_init', { latent: float32(latent, [1, D]) });
  const embBias = pickOutput(init, 'emb_bias', 'gpt2_init');
  let pastKeys: OutputTensor = pickOutput(init, 'past_keys', 'gpt2_init');
  let pastValues: OutputTensor = pickOutput(init, 'past_values', 'gpt2_init');

  const rng = forkRng(options.seed, 'tokens');
  const maxTokens = Math.max(1, Math.min(options.settings.maxTokens, dec.maxLength - 1));
  const ids: number[] = [];
  let token = dec.bosTokenId;
  for (let position = 1; ids.length < maxTokens; position++) {
    await checkpoint(ctx.signal);
    const out = await ctx.run('gpt2_step', {
      input_ids: int64(BigInt64Array.of(BigInt(token)), [1, 1]),
      position_ids: int64(BigInt64Array.of(BigInt(position)), [1, 1]),
      emb_bias: float32(embBias.data, embBias.dims),
      past_keys: float32(pastKeys.data, pastKeys.dims),
      past_values: float32(pastValues.data, pastValues.dims),
    });
    const logits = pickOutput(out, 'logits', 'gpt2_step');
    const vocab = logits.dims[logits.dims.length - 1] ?? dec.vocabSize;
    const last = logits.data.subarray(logits.data.length - vocab);
    pastKeys = pickOutput(out, 'present_keys', 'gpt2_step');
    pastValues = pickOutput(out, 'present_values', 'gpt2_step');
    token = sampleToken(last, {
      temperature: options.settings.temperature,
      topP: options.settings.topP,
      rng: () => rng.uniform(),
    });
    if (token === dec.eosTokenId) break;
    ids.push(token);
    onToken?.(ids);
  }
  return ids;
}

/** Token events at most this often: decoding the text so far and posting it to the UI for every token cost ~40% of
 * an F→T job's time outside session.run (bench), and the eye cannot follow faster anyway. */
export const TOKEN_EVENT_INTERVAL_MS = 50;

/** Text latent [1,D] → cleaned report. Emits `token` events with the text decoded so far (rate-limited, the
 * complete report always last). */
export async function decodeReport(
  ctx: PipelineContext,
  latent: Float32Array,
  text: TextTools,
  options: ReportDecodeOptions,
): Promise<string> {
  const dec = ctx.model.textDecoder;
  const special = new Set([dec.bosTokenId, dec.eosTokenId, dec.padTokenId]);
  const visible = (ids: readonly number[]) => text.decodeGpt2(ids.filter((id) => !special.has(id)));
  let lastEmit = -Infinity;
  let emitted = 0;
  const emit = (sofar: readonly number[]) => {
    lastEmit = performance.now();
    emitted = sofar.length;
    ctx.emit({ type: 'token', jobId: ctx.jobId, text: visible(sofar), count: sofar.length });
  };
  const ids = await sampleReportTokens(ctx, latent, options, (sofar) => {
    if (performance.now() - lastEmit >= TOKEN_EVENT_INTERVAL_MS) emit(sofar);
  });
  if (ids.length > 0 && emitted !== ids.length) emit(ids);
  return cleanDecodedReport(visible(ids));
}
