/**
 * @file Final latents → outputs (spec §4).
 * Images: `vae_decoder` (1/scale applied in-graph) → channel 0 → 8-bit grey.
 * Report: `gpt2_init` gives the one-slot memory; `gpt2_step` then runs token by token with its KV cache:
 * `<BOS>` at position 1 first (position 0 is the memory slot), each sampled token next with the previous step's
 * present K/V. Multinomial sampling (temperature, top-p; temperature 0 = greedy) from the job's `tokens` stream;
 * stops at `<EOS>`, maxTokens or maxLength − 1 tokens; the signal is checked before every token.
 * On WebGPU the KV cache never leaves the GPU: each step's present K/V is fed to the next step as it is, and
 * freed once consumed (only the logits are read back).
 */
import type { GenerationSettings, GreyImage } from '../../src/contracts/job';
import { latentImageToGrey } from '../preprocess/image-output';
import { forkRng } from '../schedulers/rng';
import { sampleToken } from '../text/token-sampling';
import { cleanDecodedReport, restoreReportCase } from '../../src/contracts/report-text';
import { asFeed, disposeDeviceTensor, float32, int64, isDeviceTensor } from '../runtime/session';
import type { DeviceTensor, FeedTensor, OutputTensor } from '../runtime/session';
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

/** Outputs the report decoder's graphs keep in GPU memory between runs (its KV cache), by component. */
export const KV_CACHE_OUTPUTS: Readonly<Record<string, readonly string[]>> = {
  gpt2_init: ['past_keys', 'past_values'],
  gpt2_step: ['present_keys', 'present_values'],
};

type CacheTensor = OutputTensor | DeviceTensor;

function cacheOutput(outputs: Record<string, CacheTensor>, name: string, component: string): CacheTensor {
  const t = outputs[name];
  if (!t) throw new Error(`${component} has no output "${name}" (it returned ${Object.keys(outputs).join(', ') || 'nothing'})`);
  return t;
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
  const run = ctx.runKeeping ?? ctx.run;
  const init = await run('gpt2_init', { latent: float32(latent, [1, D]) });
  let pastKeys = cacheOutput(init, 'past_keys', 'gpt2_init');
  let pastValues = cacheOutput(init, 'past_values', 'gpt2_init');
  try {
    const embBias = hostOutput(init, 'emb_bias', 'gpt2_init');
    const rng = forkRng(options.seed, 'tokens');
    const maxTokens = Math.max(1, Math.min(options.settings.maxTokens, dec.maxLength - 1));
    const ids: number[] = [];
    let token = dec.bosTokenId;
    for (let position = 1; ids.length < maxTokens; position++) {
      await checkpoint(ctx.signal);
      const out = await run('gpt2_step', {
        input_ids: int64(BigInt64Array.of(BigInt(token)), [1, 1]),
        position_ids: int64(BigInt64Array.of(BigInt(position)), [1, 1]),
        emb_bias: float32(embBias.data, embBias.dims),
        past_keys: asFeed(pastKeys),
        past_values: asFeed(pastValues),
      });
      // The step has consumed the previous cache; from here on only its outputs are live.
      disposeDeviceTensor(pastKeys);
      disposeDeviceTensor(pastValues);
      pastKeys = cacheOutput(out, 'present_keys', 'gpt2_step');
      pastValues = cacheOutput(out, 'present_values', 'gpt2_step');
      const logits = hostOutput(out, 'logits', 'gpt2_step');
      const vocab = logits.dims[logits.dims.length - 1] ?? dec.vocabSize;
      const last = logits.data.subarray(logits.data.length - vocab);
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
  } finally {
    disposeDeviceTensor(pastKeys);
    disposeDeviceTensor(pastValues);
  }
}

/** A named output that must be on the CPU (the graphs keep only their KV cache on the device). */
function hostOutput(outputs: Record<string, CacheTensor>, name: string, component: string): OutputTensor {
  const t = cacheOutput(outputs, name, component);
  if (isDeviceTensor(t)) throw new Error(`${component}: output "${name}" stayed on the GPU, but it is needed on the CPU`);
  return t;
}

/** Token events at most this often: decoding the text so far and posting it to the UI for every token cost ~40% of
 * an F→T job's time outside session.run (bench), and the eye cannot follow faster anyway. */
export const TOKEN_EVENT_INTERVAL_MS = 50;

/**
 * Text latent [1,D] → cleaned report, in a radiologist's case (`restoreReportCase`). Emits `token` events with the
 * text decoded so far (rate-limited, the complete report always last).
 */
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
    // In the report's case while it streams too, so the text does not change case when it ends.
    ctx.emit({ type: 'token', jobId: ctx.jobId, text: restoreReportCase(visible(sofar)), count: sofar.length });
  };
  const ids = await sampleReportTokens(ctx, latent, options, (sofar) => {
    if (performance.now() - lastEmit >= TOKEN_EVENT_INTERVAL_MS) emit(sofar);
  });
  if (ids.length > 0 && emitted !== ids.length) emit(ids);
  return restoreReportCase(cleanDecodedReport(visible(ids)));
}
