/**
 * @file The studio's engine (workers/engine.ts, the code the browser worker runs) set up for Node:
 * onnxruntime-node instead of onnxruntime-web (CPU, or its WebGPU execution provider on a GPU host), model files
 * read from disk through the normal sha256-verified cache path (fake-indexeddb, in memory), no browser probes.
 */
import 'fake-indexeddb/auto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createStore } from 'idb-keyval';
import { createEngine, type Engine } from '../workers/engine';
import { FileCache } from '../workers/registry/file-cache';
import type { ManifestCache } from '../workers/registry/manifest-cache';
import type { DeviceProbe } from '../workers/runtime/capabilities';
import { threadPoolConfig, type OrtBinding, type OrtSessionLike, type OrtTensorLike } from '../workers/runtime/ort-binding';

export interface NodeEngineOptions {
  readonly backend: 'cpu' | 'webgpu';
  /** Intra-op threads; 0 = every core. */
  readonly threads: number;
}

/** fetch() for file:// URLs: the manifest and every model file come from disk. */
export const diskFetch = (async (input: RequestInfo | URL) => {
  const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
  if (url.protocol !== 'file:') return fetch(url);
  const path = fileURLToPath(url);
  if (!existsSync(path)) return new Response(`not found: ${path}`, { status: 404 });
  return new Response(new Uint8Array(await readFile(path)), { status: 200 });
}) as typeof fetch;

async function nodeBinding(options: NodeEngineOptions): Promise<OrtBinding> {
  const ort = await import('onnxruntime-node');
  const threads = options.threads > 0 ? options.threads : availableParallelism();
  return {
    name: `onnxruntime-node ${ort.env.versions.node ?? ''} (${options.backend}, ${threads} thread${threads === 1 ? '' : 's'})`.replace('  ', ' '),
    wasmThreads: threads,
    createTensor: (type, data, dims) => new ort.Tensor(type, data as never, dims) as unknown as OrtTensorLike,
    async createSession(model, sessionOptions) {
      const providers = sessionOptions.backend === 'webgpu' ? ['webgpu', 'cpu'] : ['cpu'];
      // graph optimisation as the browser binding (ort-env.ts): all
      const session = await ort.InferenceSession.create(model, {
        executionProviders: providers,
        intraOpNumThreads: threads,
        interOpNumThreads: 1,
        graphOptimizationLevel: 'all',
        extra: threadPoolConfig(threads, availableParallelism()),
      });
      const wrapped: OrtSessionLike = {
        inputNames: session.inputNames,
        outputNames: session.outputNames,
        run: async (feeds) => (await session.run(feeds as never)) as unknown as Record<string, OrtTensorLike>,
        release: () => session.release(),
      };
      return wrapped;
    },
  };
}

function probeFor(options: NodeEngineOptions): DeviceProbe {
  const webgpu = options.backend === 'webgpu';
  return {
    capabilities: {
      webgpu,
      adapterDescription: webgpu ? 'onnxruntime-node WebGPU execution provider' : null,
      isFallbackAdapter: false,
      shaderF16: false,
      maxBufferSize: webgpu ? 2 ** 31 : null,
      maxStorageBufferBindingSize: webgpu ? 2 ** 31 : null,
      crossOriginIsolated: true,
      wasmThreads: options.threads,
    },
    features: new Set(),
  };
}

function memoryManifestCache(): ManifestCache {
  const texts = new Map<string, string>();
  return { get: async (url) => texts.get(url), set: async (url, text) => void texts.set(url, text) };
}

/**
 * An initialised engine for the manifest at `manifestPath`. The manifest's model `baseUrl`s resolve against the
 * manifest's folder, and the repo layout (manifest at the root, files under public/) is found automatically.
 */
export async function createNodeEngine(manifestPath: string, options: NodeEngineOptions): Promise<{ engine: Engine; modelIds: readonly string[] }> {
  const absolute = resolve(manifestPath);
  if (!existsSync(absolute)) throw new Error(`No model manifest at ${absolute}. Pass --model PATH.`);
  // The studio serves public/ at the site root next to the manifest; mirror that when public/ exists beside it.
  const publicDir = resolve(dirname(absolute), 'public');
  const siteRoot = existsSync(publicDir) ? publicDir : dirname(absolute);
  const manifestUrl = pathToFileURL(absolute).href;
  const fetchImpl = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    if (url.href === manifestUrl) return diskFetch(url, init);
    // Model files: resolve relative to the site root (where the browser would find them).
    const rel = url.href.startsWith(pathToFileURL(dirname(absolute)).href) ? url.href.slice(pathToFileURL(dirname(absolute)).href.length) : null;
    if (rel !== null) return diskFetch(new URL(rel.replace(/^\//, ''), `${pathToFileURL(siteRoot).href}/`), init);
    return diskFetch(url, init);
  }) as typeof fetch;
  const engine = createEngine({
    loadOrt: () => nodeBinding(options),
    fetchImpl,
    cache: new FileCache(createStore(`medcodi-batch-${process.pid}-${Date.now()}`, 'files')),
    estimate: async () => null,
    probe: async () => probeFor(options),
    wasmThreads: () => options.threads,
    baseUrl: () => manifestUrl,
    manifestCache: memoryManifestCache(),
  });
  const info = await engine.init(manifestUrl, { preferBackend: options.backend === 'webgpu' ? 'webgpu' : 'wasm' });
  return { engine, modelIds: info.modelIds };
}
