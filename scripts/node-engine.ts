/**
 * @file The studio's engine under Node with onnxruntime-node (CPU) instead of onnxruntime-web: the same Engine,
 * SessionPool and pipeline code the browser worker runs. Model files are "downloaded" from the repo
 * (models-manifest.json + public/) through the normal verified cache path (fake-indexeddb).
 * Used by the parity test (workers/integration/parity.test.ts) and `npm run bench`.
 */
import 'fake-indexeddb/auto';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createStore } from 'idb-keyval';
import { createEngine } from '../workers/engine';
import type { Engine } from '../workers/engine';
import { FileCache } from '../workers/registry/file-cache';
import type { DeviceProbe } from '../workers/runtime/capabilities';
import type { OrtBinding, OrtSessionLike, OrtTensorLike } from '../workers/runtime/ort-binding';

export const ROOT = resolve(import.meta.dirname, '..');
export const MANIFEST = resolve(ROOT, 'models-manifest.json');
const ORIGIN = 'https://studio.test/';

interface ManifestLike {
  models?: { id: string; baseUrl: string; components: { variants: { files: { path: string }[] }[] }[] }[];
}

/** True when the manifest lists the model and every one of its files is on disk. */
export function modelReady(modelId: string): boolean {
  if (!existsSync(MANIFEST)) return false;
  try {
    const json = JSON.parse(readFileSync(MANIFEST, 'utf8')) as ManifestLike;
    const model = json.models?.find((m) => m.id === modelId);
    return !!model && model.components.every((c) => c.variants.every((v) => v.files.every((f) => existsSync(resolve(ROOT, 'public', model.baseUrl, f.path)))));
  } catch {
    return false;
  }
}

/** fetch() over the repo: /models-manifest.json from the root, everything else from public/. */
export const diskFetch = (async (input: RequestInfo | URL) => {
  const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
  const path = url.pathname === '/models-manifest.json' ? MANIFEST : resolve(ROOT, 'public', `.${decodeURIComponent(url.pathname)}`);
  if (!existsSync(path)) return new Response('not found', { status: 404 });
  return new Response(new Uint8Array(readFileSync(path)), { status: 200 });
}) as typeof fetch;

/** onnxruntime-node CPU with `threads` intra-op threads (graph optimisation as the browser binding: all). */
export async function nodeOrtBinding(threads: number): Promise<OrtBinding> {
  const ort = await import('onnxruntime-node');
  return {
    name: `onnxruntime-node ${ort.env.versions.node ?? ''} (cpu, ${threads} thread${threads === 1 ? '' : 's'})`,
    wasmThreads: threads,
    createTensor: (type, data, dims) => new ort.Tensor(type, data as never, dims) as unknown as OrtTensorLike,
    async createSession(model) {
      const session = await ort.InferenceSession.create(model, {
        executionProviders: ['cpu'],
        intraOpNumThreads: threads,
        interOpNumThreads: 1,
        graphOptimizationLevel: 'all',
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

function nodeProbe(threads: number): DeviceProbe {
  return {
    capabilities: {
      webgpu: false,
      adapterDescription: null,
      isFallbackAdapter: false,
      shaderF16: false,
      maxBufferSize: null,
      maxStorageBufferBindingSize: null,
      crossOriginIsolated: true,
      wasmThreads: threads,
    },
    features: new Set(),
  };
}

let stores = 0;

/** An initialised Engine over the repo's manifest with onnxruntime-node (`threads` intra-op threads). */
export async function createNodeEngine(threads: number): Promise<Engine> {
  stores += 1;
  const engine = createEngine({
    loadOrt: () => nodeOrtBinding(threads),
    fetchImpl: diskFetch,
    cache: new FileCache(createStore(`node-engine-${process.pid}-${Date.now()}-${stores}`, 'files')),
    estimate: async () => null,
    probe: async () => nodeProbe(threads),
    wasmThreads: () => threads,
    baseUrl: () => ORIGIN,
  });
  await engine.init('/models-manifest.json');
  return engine;
}

/** Parity fixture folder of a model. */
export function parityFixtureDir(modelId: string): string {
  return resolve(ROOT, 'e2e', 'fixtures', 'parity', modelId);
}
