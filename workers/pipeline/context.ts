/**
 * @file What every pipeline stage gets: the model entry, a way to run a named graph, the job's signal and event
 * sink. Stages never see sessions, caches or onnxruntime; the engine (or a node test) provides `run`.
 */
import type { JobEvent } from '../../src/contracts/job';
import type { Modality } from '../../src/contracts/modality';
import type { ModelEntry } from '../../src/contracts/manifest-schema';
import type { FeedTensor, KeptOutputs, OutputTensor, RunStats } from '../runtime/session';
import type { NoiseSource } from '../schedulers/sampler';
import { hasCancelFlag, throwIfAborted } from '../job-abort';

export type RunGraph = (component: string, feeds: Record<string, FeedTensor>) => Promise<Record<string, OutputTensor>>;

/** Like RunGraph, but the outputs the graph keeps on the GPU come back as DeviceTensors (see ModelSession.runKeeping). */
export type RunGraphKeeping = (component: string, feeds: Record<string, FeedTensor>) => Promise<KeptOutputs>;

/** Returns the noise stream with this name (`init:<modality>`, `step:<modality>`). */
export type NoiseFactory = (stream: string) => NoiseSource;

export interface PipelineContext {
  readonly jobId: string;
  readonly model: ModelEntry;
  readonly signal: AbortSignal;
  readonly stats: RunStats;
  readonly run: RunGraph;
  /** Omitted: every output is read back (`run`). The engine provides it so the report decoder's KV cache stays on the GPU. */
  readonly runKeeping?: RunGraphKeeping;
  /**
   * Run each guided sampler update through the model's `latent_step` graph with `runKeeping`, so on WebGPU the
   * latents and the UNet outputs stay in GPU memory for the whole loop (the engine sets it on WebGPU when the
   * model ships the graph). Omitted: the JavaScript samplers step latents on the CPU.
   */
  readonly stepOnDevice?: boolean;
  emit(event: JobEvent): void;
  /**
   * Where the denoise loop gets its noise streams. Omitted (every job): `forkRng(seed, stream)`. The parity checks
   * replay the tensors PyTorch drew instead.
   */
  readonly noise?: NoiseFactory;
}

/** Tokenizer operations the pipeline needs (built from the manifest's tokenizer files). */
export interface TextTools {
  /** CLIP ids for `clip_text`, padded/truncated to the model's context length. */
  encodeClip(text: string): BigInt64Array;
  /** GPT-2 byte-level BPE decode (special ids already removed by the caller). */
  decodeGpt2(ids: readonly number[]): string;
}

/** Precomputed unconditional embeddings (`unconditional.json`). */
export interface Unconditional {
  readonly text: Float32Array;
  readonly image: Float32Array;
}

/** Component-name suffix of a modality: the report's graphs are `*_text`. */
export function graphSuffix(modality: Modality): string {
  return modality === 'report' ? 'text' : modality;
}

/** The named output, or the only output when the graph names it differently. */
export function pickOutput(outputs: Record<string, OutputTensor>, name: string, component: string): OutputTensor {
  const named = outputs[name];
  if (named) return named;
  const all = Object.values(outputs);
  if (all.length === 1 && all[0]) return all[0];
  throw new Error(`${component} has no output "${name}" (it returned ${Object.keys(outputs).join(', ') || 'nothing'})`);
}

export { throwIfAborted };

/** One MessageChannel for every yield (creating a channel per yield cost more than the yield itself). */
let yieldChannel: MessageChannel | null = null;
const yieldWaiters: (() => void)[] = [];
const setImmediateFn = (globalThis as { setImmediate?: (callback: () => void) => unknown }).setImmediate;

/**
 * Lets the worker's event loop run pending tasks (a comlink `cancel` message, for one). onnxruntime-web's WASM
 * `run()` resolves through microtasks only, so an async loop of runs would otherwise never give a message event
 * a turn, and cancel would arrive only after the job ended. Called once per step and per token.
 * Browsers: a post on one reused MessageChannel, an ordinary task queued behind messages that already arrived
 * (unlike `scheduler.yield()`, whose continuation runs before other queued tasks), with no 4 ms timer clamp.
 * Node (tests, benchmarks): `setImmediate`; Node drains a port's queue in one go, so timers would starve.
 */
export function yieldToEventLoop(): Promise<void> {
  if (setImmediateFn) return new Promise((resolve) => setImmediateFn(resolve));
  if (typeof MessageChannel === 'undefined') return new Promise((resolve) => setTimeout(resolve, 0));
  if (!yieldChannel) {
    yieldChannel = new MessageChannel();
    yieldChannel.port1.onmessage = () => yieldWaiters.shift()?.();
  }
  const channel = yieldChannel;
  return new Promise((resolve) => {
    yieldWaiters.push(resolve);
    channel.port2.postMessage(null);
  });
}

/**
 * How often a checkpoint lets the event loop run. A yield is a task round trip (and, on a busy machine, possibly a
 * lost time slice), so loops of sub-millisecond graphs (the nano text UNet, GPT-2 steps) yield every few runs, not
 * after each; a cancel still gets through within this time plus one graph run. 16 ms rather than 4: nano F→T in
 * Chromium (2 threads, medians of 5) spent 7 ms outside session.run instead of 13 (4.8 % against 5.6 %).
 */
export const YIELD_INTERVAL_MS = 16;

/**
 * The same for a job with a shared cancel flag: a cancel no longer waits for a yield (it lands within one graph
 * run), so the loop yields only to answer the UI's other calls, which 100 ms keeps prompt.
 */
export const YIELD_INTERVAL_WITH_CANCEL_FLAG_MS = 100;
let lastYield = -Infinity;

/** Time the checkpoints of this worker have spent waiting for their yields (a job reads the difference). */
export const yieldClock = { ms: 0 };

/** Yields to the event loop (at most every YIELD_INTERVAL_MS, or the flag interval), then throws an AbortError if the job was cancelled. */
export async function checkpoint(signal: AbortSignal): Promise<void> {
  const before = performance.now();
  const interval = hasCancelFlag(signal) ? YIELD_INTERVAL_WITH_CANCEL_FLAG_MS : YIELD_INTERVAL_MS;
  if (before - lastYield >= interval) {
    await yieldToEventLoop();
    lastYield = performance.now();
    yieldClock.ms += lastYield - before;
  }
  throwIfAborted(signal);
}
