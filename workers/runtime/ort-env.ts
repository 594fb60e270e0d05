/// <reference types="vite/client" />
/**
 * @file THE only module that imports and configures onnxruntime-web. Everything else talks to `OrtBinding`.
 *
 * Notes (see ../../../shared/docs/environment.md):
 * - `onnxruntime-web/webgpu` is the native C++ WebGPU EP build (asyncify); it also runs the WASM EP.
 * - `wasmPaths = '/ort/'` (from the app base, see ortBaseUrl): scripts/copy-ort.mjs copies the runtime files to
 *   public/ort/. Without this a Vite production build with threads hangs (the pthread worker would start from
 *   the bundled chunk).
 * - Vite's DEV server refuses `import('/ort/….mjs')` of a public/ file ("should not be imported from source
 *   code"), so in dev only the .wasm comes from /ort/ and the glue is the one bundled in onnxruntime-web's
 *   module (dev serves it as a standalone ES module, so its pthread workers start fine).
 * - Threads need crossOriginIsolated (COOP/COEP). ORT's default resolves to 1 thread on 2 cores, so set it
 *   explicitly: min(2, hardwareConcurrency), or 1 without isolation. Read once at WASM init: set before the first
 *   session and never change afterwards.
 * - No proxy worker: we already are a dedicated worker, and GPU buffers cannot cross workers.
 */
import * as ort from 'onnxruntime-web/webgpu';
import { defaultWasmThreads } from './capabilities';
import type { CreateSessionOptions, OrtBinding, OrtSessionLike, OrtTensorLike, TensorData, TensorType } from './ort-binding';

export interface OrtEnvOptions {
  /** Overrides the thread count (tests, benchmarks). */
  readonly numThreads?: number;
  /** Absolute path (from the app base) of the ORT runtime files. */
  readonly wasmPaths?: string;
  readonly logLevel?: 'verbose' | 'info' | 'warning' | 'error' | 'fatal';
}

let configured: { threads: number } | null = null;

/** `<app base>/ort/`: BASE_URL when it is absolute ('/' or '/sub/'), else relative to this chunk (in assets/). */
export function ortBaseUrl(): string {
  const base = import.meta.env?.BASE_URL ?? '/';
  return base.startsWith('/') ? `${base}ort/` : new URL('../ort/', import.meta.url).href;
}

/** Configures `ort.env` once. Later calls with different options are ignored (ORT reads them at WASM init). */
export function configureOrt(options: OrtEnvOptions = {}): { threads: number } {
  if (configured) return configured;
  const threads = options.numThreads ?? defaultWasmThreads();
  const base = ortBaseUrl();
  ort.env.wasm.wasmPaths = options.wasmPaths ?? (import.meta.env?.DEV ? { wasm: `${base}ort-wasm-simd-threaded.asyncify.wasm` } : base);
  ort.env.wasm.numThreads = threads;
  ort.env.wasm.proxy = false;
  ort.env.logLevel = options.logLevel ?? 'error';
  configured = { threads };
  return configured;
}

class WebSession implements OrtSessionLike {
  constructor(private readonly session: ort.InferenceSession) {}
  get inputNames(): readonly string[] {
    return this.session.inputNames;
  }
  get outputNames(): readonly string[] {
    return this.session.outputNames;
  }
  async run(feeds: Record<string, OrtTensorLike>): Promise<Record<string, OrtTensorLike>> {
    // Tensors were made by createTensor below, so they are real ort.Tensor objects.
    return this.session.run(feeds as unknown as ort.InferenceSession.FeedsType);
  }
  release(): Promise<void> {
    return this.session.release();
  }
}

/** The browser binding: configures ORT on first use. */
export function createWebOrtBinding(options: OrtEnvOptions = {}): OrtBinding {
  const { threads } = configureOrt(options);
  return {
    name: `onnxruntime-web ${ort.env.versions.web ?? ''} (webgpu build)`.trim(),
    wasmThreads: threads,
    createTensor(type: TensorType, data: TensorData, dims: readonly number[]): OrtTensorLike {
      return type === 'int64'
        ? new ort.Tensor('int64', data as BigInt64Array, dims)
        : new ort.Tensor('float32', data as Float32Array, dims);
    },
    async createSession(model: Uint8Array, opts: CreateSessionOptions): Promise<OrtSessionLike> {
      const sessionOptions: ort.InferenceSession.SessionOptions = {
        executionProviders: [opts.backend],
        graphOptimizationLevel: 'all',
        // 3 = error: the WebGPU EP otherwise warns on every session that shape ops run on the CPU (by design).
        logSeverityLevel: 3,
        ...(opts.externalData && opts.externalData.length > 0
          ? { externalData: opts.externalData.map((f) => ({ path: f.path, data: f.data })) }
          : {}),
      };
      return new WebSession(await ort.InferenceSession.create(model, sessionOptions));
    },
  };
}
