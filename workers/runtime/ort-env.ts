/// <reference types="vite/client" />
/**
 * @file THE only module that imports and configures onnxruntime-web. Everything else talks to `OrtBinding`.
 *
 * Notes (see ../../../shared/docs/environment.md):
 * - Two builds, loaded on demand by backend: `onnxruntime-web/webgpu` (the native C++ WebGPU EP, asyncify; it can
 *   also run the WASM EP, which the engine uses after a GPU failure) and `onnxruntime-web/wasm` (plain WASM), which
 *   runs the nano UNet about 3x faster than the WASM EP inside the asyncify build (measured: 50-64 ms vs 140-179 ms
 *   per unet_frontal call in Chromium).
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
import type * as OrtModule from 'onnxruntime-web/wasm';
import type { Backend } from '../../src/contracts/job';
import { defaultWasmThreads } from './capabilities';

type Ort = typeof OrtModule;
import type { CreateSessionOptions, OrtBinding, OrtSessionLike, OrtTensorLike, TensorData, TensorType } from './ort-binding';

export interface OrtEnvOptions {
  /** Overrides the thread count (tests, benchmarks). */
  readonly numThreads?: number;
  /** Absolute path (from the app base) of the ORT runtime files. */
  readonly wasmPaths?: string;
  readonly logLevel?: 'verbose' | 'info' | 'warning' | 'error' | 'fatal';
}

const configured = new Map<Backend, { threads: number }>();

/** `<app base>/ort/`: BASE_URL when it is absolute ('/' or '/sub/'), else relative to this chunk (in assets/). */
export function ortBaseUrl(): string {
  const base = import.meta.env?.BASE_URL ?? '/';
  return base.startsWith('/') ? `${base}ort/` : new URL('../ort/', import.meta.url).href;
}

/** Configures a build's `ort.env` once. Later calls are ignored (ORT reads them at WASM init). */
function configureOrt(ort: Ort, backend: Backend, options: OrtEnvOptions): { threads: number } {
  const done = configured.get(backend);
  if (done) return done;
  const threads = options.numThreads ?? defaultWasmThreads();
  const base = ortBaseUrl();
  const devWasm = backend === 'webgpu' ? 'ort-wasm-simd-threaded.asyncify.wasm' : 'ort-wasm-simd-threaded.wasm';
  ort.env.wasm.wasmPaths = options.wasmPaths ?? (import.meta.env?.DEV ? { wasm: `${base}${devWasm}` } : base);
  ort.env.wasm.numThreads = threads;
  ort.env.wasm.proxy = false;
  ort.env.logLevel = options.logLevel ?? 'error';
  const result = { threads };
  configured.set(backend, result);
  return result;
}

class WebSession implements OrtSessionLike {
  constructor(private readonly session: OrtModule.InferenceSession) {}
  get inputNames(): readonly string[] {
    return this.session.inputNames;
  }
  get outputNames(): readonly string[] {
    return this.session.outputNames;
  }
  async run(feeds: Record<string, OrtTensorLike>): Promise<Record<string, OrtTensorLike>> {
    // Tensors were made by createTensor below, so they are real ort.Tensor objects.
    return this.session.run(feeds as unknown as OrtModule.InferenceSession.FeedsType);
  }
  release(): Promise<void> {
    return this.session.release();
  }
}

/** The browser binding for one backend: loads and configures that backend's ORT build on first use. */
export async function createWebOrtBinding(options: OrtEnvOptions & { readonly backend?: Backend } = {}): Promise<OrtBinding> {
  const backend = options.backend ?? 'wasm';
  const ort: Ort = backend === 'webgpu' ? await import('onnxruntime-web/webgpu') : await import('onnxruntime-web/wasm');
  const { threads } = configureOrt(ort, backend, options);
  return {
    name: `onnxruntime-web ${ort.env.versions.web ?? ''} (${backend} build)`.replace('  ', ' '),
    wasmThreads: threads,
    createTensor(type: TensorType, data: TensorData, dims: readonly number[]): OrtTensorLike {
      return type === 'int64'
        ? new ort.Tensor('int64', data as BigInt64Array, dims)
        : new ort.Tensor('float32', data as Float32Array, dims);
    },
    async createSession(model: Uint8Array, opts: CreateSessionOptions): Promise<OrtSessionLike> {
      const sessionOptions: OrtModule.InferenceSession.SessionOptions = {
        executionProviders: [opts.backend],
        graphOptimizationLevel: 'all',
        // ORT's default thread-pool spinning stays: unlike onnxruntime-node (ort-binding.ts, threadPoolConfig), turning it
        // off changed nothing measurable here (A/B of 2026-12-07: T→F 1.38-1.42 s spinning, 1.44-1.54 s not).
        // 3 = error: the WebGPU EP otherwise warns on every session that shape ops run on the CPU (by design).
        logSeverityLevel: 3,
        ...(opts.backend === 'webgpu' && opts.deviceOutputs && opts.deviceOutputs.length > 0
          ? { preferredOutputLocation: Object.fromEntries(opts.deviceOutputs.map((name) => [name, 'gpu-buffer' as const])) }
          : {}),
        ...(opts.externalData && opts.externalData.length > 0
          ? { externalData: opts.externalData.map((f) => ({ path: f.path, data: f.data })) }
          : {}),
      };
      return new WebSession(await ort.InferenceSession.create(model, sessionOptions));
    },
  };
}
