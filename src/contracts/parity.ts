/**
 * @file Parity fixtures written by the PyTorch toolchain (`toolchain/medcodi/fixtures.py`) and the report of
 * `EngineApi.runParity`, which replays them through the real engine (node tests: onnxruntime-node; e2e: the
 * browser worker on WASM or WebGPU). Test/benchmark plumbing only: the studio UI never calls it.
 */
import type { Backend } from './job';
import type { Modality } from './modality';

/** A tensor as the toolchain stores it: little-endian raw data, base64. */
export interface TensorFixture {
  readonly dtype: 'float32' | 'int64' | 'uint8';
  readonly shape: readonly number[];
  readonly b64: string;
}

/** graphs.json: per graph, its inputs and the PyTorch outputs. */
export interface GraphFixtures {
  readonly tolerance: number;
  readonly graphs: Readonly<
    Record<string, { readonly inputs: Readonly<Record<string, TensorFixture>>; readonly outputs: Readonly<Record<string, TensorFixture>> }>
  >;
}

/** One whole run of runs.json. */
export interface RunFixture {
  /** modality → report text, or (images) the name of the top-level uint8 tensor, e.g. "frontal_u8". */
  readonly inputs: Readonly<Partial<Record<Modality, string>>>;
  readonly steps: number;
  readonly guidanceScale: number;
  readonly eta: number;
  readonly targets: readonly Modality[];
  /** stream (`init:<m>`, `step:<m>`) → every tensor PyTorch drew from it, in order. */
  readonly noise: Readonly<Record<string, readonly TensorFixture[]>>;
  /** input modality → its condition embedding [E]. */
  readonly conditions: Readonly<Partial<Record<Modality, TensorFixture>>>;
  /** target → final latent (B = 1 dropped). */
  readonly latents: Readonly<Partial<Record<Modality, TensorFixture>>>;
  /** image target → display values in [0,1], [S,S]. */
  readonly images?: Readonly<Partial<Record<Modality, TensorFixture>>>;
  /** Greedy (temperature 0) report tokens without BOS/EOS. */
  readonly greedyTokens?: readonly number[];
  readonly tolerance: number;
}

/** runs.json. */
export interface RunFixtures {
  /** CLIP ids of `report` [L]. */
  readonly clipInputIds: TensorFixture;
  /** CLIP pixel values of `frontalU8` [3,S,S]. */
  readonly clipPixelValues: TensorFixture;
  readonly frontalU8: TensorFixture;
  readonly report: string;
  readonly runs: Readonly<Record<string, RunFixture>>;
}

export interface ParityRequest {
  readonly modelId: string;
  readonly variant?: string;
  readonly graphs?: GraphFixtures;
  /** Only these graphs (default: every graph in `graphs`). */
  readonly graphNames?: readonly string[];
  readonly runs?: RunFixtures;
  /** Only these runs, e.g. ["F>T"] (default: every run in `runs`). */
  readonly runNames?: readonly string[];
  /**
   * Run the whole runs' sampler updates in the model's `latent_step` graph (true) or in the JavaScript samplers
   * (false). Default: as jobs do, the graph exactly on WebGPU.
   */
  readonly stepGraph?: boolean;
}

export interface GraphParityResult {
  readonly graph: string;
  /** Largest |ours − PyTorch| over every output (Infinity on a shape mismatch, NaN or missing output). */
  readonly maxAbsError: number;
  readonly outputs: Readonly<Record<string, number>>;
  readonly problems: readonly string[];
  /** Wall time of the call, including session creation on first use. */
  readonly ms: number;
}

export interface RunParityResult {
  readonly name: string;
  /** Report input: CLIP ids equal to the toolchain's. */
  readonly clipIdsEqual?: boolean;
  /** Image input: max |Δ| of the CLIP pixel values. */
  readonly clipPixelMaxAbs?: number;
  /** input modality → max |Δ| of its condition embedding. */
  readonly conditionMaxAbs: Readonly<Record<string, number>>;
  /** target → max |Δ| of the final latent. */
  readonly latentMaxAbs: Readonly<Record<string, number>>;
  /** image target → max |Δ| of the display values in [0,1]. */
  readonly imageMaxAbs: Readonly<Record<string, number>>;
  /** image target → max |Δ| in grey levels between our 8-bit output and round(255·reference). */
  readonly imageU8MaxDiff: Readonly<Record<string, number>>;
  readonly tokens?: readonly number[];
  readonly expectedTokens?: readonly number[];
  readonly tokensEqual?: boolean;
  readonly report?: string;
  /** Noise draws: every recorded tensor used exactly once, in order, with the right size. */
  readonly noiseProblems: readonly string[];
  readonly problems: readonly string[];
  readonly ms: number;
  readonly sessionRunMs: number;
  /** Graph outputs left in GPU memory between runs (latents, ε and the report decoder's KV cache on WebGPU; 0 on WASM). */
  readonly keptOnDevice: number;
  /** Whether the sampler updates ran in the `latent_step` graph. */
  readonly stepGraph: boolean;
}

export interface ParityReport {
  readonly modelId: string;
  readonly backend: Backend;
  readonly runtime: string;
  readonly wasmThreads: number;
  readonly crossOriginIsolated: boolean;
  readonly graphs: readonly GraphParityResult[];
  readonly runs: readonly RunParityResult[];
  readonly totalMs: number;
}
