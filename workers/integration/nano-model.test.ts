/**
 * Integration: the real exported nano model (models-manifest.json + public/models/medcodi-nano/) through the
 * same Engine and pipeline code the browser runs, with onnxruntime-node (CPU) injected instead of
 * onnxruntime-web. Files are "downloaded" from disk through the normal verified cache path (fake-indexeddb).
 * Skipped until the toolchain has exported the model.
 */
import 'fake-indexeddb/auto';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createStore } from 'idb-keyval';
import { beforeAll, describe, expect, it } from 'vitest';
import type { GenerationRequest, GenerationSettings, GreyImage, JobEvent } from '../../src/contracts/job';
import type { Modality } from '../../src/contracts/modality';
import { createEngine } from '../engine';
import type { Engine } from '../engine';
import { FileCache } from '../registry/file-cache';
import type { DeviceProbe } from '../runtime/capabilities';
import type { OrtBinding, OrtSessionLike, OrtTensorLike } from '../runtime/ort-binding';

const ROOT = resolve(import.meta.dirname, '..', '..');
const MANIFEST = resolve(ROOT, 'models-manifest.json');
const MODEL_ID = 'medcodi-nano';
const ORIGIN = 'https://studio.test/';

function modelReady(): boolean {
  if (!existsSync(MANIFEST)) return false;
  try {
    const json = JSON.parse(readFileSync(MANIFEST, 'utf8')) as { models?: { id: string; baseUrl: string; components: { variants: { files: { path: string }[] }[] }[] }[] };
    const model = json.models?.find((m) => m.id === MODEL_ID);
    return !!model && model.components.every((c) => c.variants.every((v) => v.files.every((f) => existsSync(resolve(ROOT, 'public', model.baseUrl, f.path)))));
  } catch {
    return false;
  }
}

/** fetch() over the repo: /models-manifest.json from the root, everything else from public/. */
const diskFetch = (async (input: RequestInfo | URL) => {
  const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
  const path = url.pathname === '/models-manifest.json' ? MANIFEST : resolve(ROOT, 'public', `.${decodeURIComponent(url.pathname)}`);
  if (!existsSync(path)) return new Response('not found', { status: 404 });
  return new Response(new Uint8Array(readFileSync(path)), { status: 200 });
}) as typeof fetch;

async function nodeBinding(): Promise<OrtBinding> {
  const ort = await import('onnxruntime-node');
  return {
    name: 'onnxruntime-node (cpu)',
    wasmThreads: 2,
    createTensor: (type, data, dims) => new ort.Tensor(type, data as never, dims) as unknown as OrtTensorLike,
    async createSession(model) {
      const session = await ort.InferenceSession.create(model, { executionProviders: ['cpu'], intraOpNumThreads: 2, interOpNumThreads: 1 });
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

const probe: DeviceProbe = {
  capabilities: {
    webgpu: false, adapterDescription: null, isFallbackAdapter: false, shaderF16: false,
    maxBufferSize: null, maxStorageBufferBindingSize: null, crossOriginIsolated: true, wasmThreads: 2,
  },
  features: new Set(),
};

const settings: GenerationSettings = {
  steps: 4, guidanceScale: 7.5, seed: 1234, sampler: 'ddim', eta: 1, previewEvery: 2, temperature: 1, topP: 1, maxTokens: 60,
};

function phantomImage(size: number, bright: number): GreyImage {
  const pixels = new Uint8ClampedArray(size * size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const r = Math.hypot(x - size / 2, (y - size / 2) * 0.8) / (size / 2);
      pixels[y * size + x] = r < 0.8 ? bright * (1 - r * 0.5) : 10;
    }
  }
  return { width: size, height: size, pixels };
}

let jobCount = 0;
function request(inputs: Modality[], outputs: Modality[], s: Partial<GenerationSettings> = {}): GenerationRequest {
  jobCount += 1;
  return {
    jobId: `nano-${jobCount}`,
    modelId: MODEL_ID,
    inputs: inputs.map((m) =>
      m === 'report'
        ? { modality: m, weight: 1, text: 'enlarged cardiac silhouette. small left pleural effusion.' }
        : { modality: m, weight: 1, image: phantomImage(96, m === 'frontal' ? 200 : 150) },
    ),
    outputs,
    settings: { ...settings, ...s },
  };
}

describe.skipIf(!modelReady())('real nano model through the engine (onnxruntime-node)', () => {
  let engine: Engine;
  let imageSize = 0;

  beforeAll(async () => {
    engine = createEngine({
      loadOrt: nodeBinding,
      fetchImpl: diskFetch,
      cache: new FileCache(createStore(`nano-it-${Date.now()}`, 'files')),
      estimate: async () => null,
      probe: async () => probe,
      baseUrl: () => ORIGIN,
    });
    const info = await engine.init('/models-manifest.json');
    expect(info.modelIds).toContain(MODEL_ID);
    imageSize = (JSON.parse(readFileSync(MANIFEST, 'utf8')) as { models: { id: string; imageSize: number }[] }).models.find((m) => m.id === MODEL_ID)!.imageSize;
    const status = await engine.prepareModel(MODEL_ID, undefined, () => undefined);
    expect(status.complete).toBe(true);
  }, 120_000);

  it('T→F at 4 steps produces a non-constant image of the model size, with previews', async () => {
    const events: JobEvent[] = [];
    const result = await engine.generate(request(['report'], ['frontal']), (e) => events.push(e));
    const img = result.outputs.frontal!;
    expect([img.width, img.height]).toEqual([imageSize, imageSize]);
    expect(new Set(img.pixels).size).toBeGreaterThan(1);
    expect(result.timings.stepsRun).toBe(4);
    expect(result.timings.sessionRunMs).toBeGreaterThan(0);
    expect(events.filter((e) => e.type === 'preview').length).toBe(1);
    // Same seed → same image.
    const again = await engine.generate(request(['report'], ['frontal']), () => undefined);
    expect(again.outputs.frontal!.pixels).toEqual(img.pixels);
  }, 120_000);

  it('F→T produces a non-empty report, token by token', async () => {
    const events: JobEvent[] = [];
    const result = await engine.generate(request(['frontal'], ['report']), (e) => events.push(e));
    expect(typeof result.outputs.report).toBe('string');
    expect(result.outputs.report!.trim().length).toBeGreaterThan(0);
    expect(events.some((e) => e.type === 'token')).toBe(true);
  }, 120_000);

  it('joint F→T+L and multi-input L+T→F run', async () => {
    const joint = await engine.generate(request(['frontal'], ['report', 'lateral'], { steps: 2, previewEvery: 0 }), () => undefined);
    expect(joint.outputs.lateral!.pixels.length).toBe(imageSize * imageSize);
    expect(typeof joint.outputs.report).toBe('string');
    const multi = await engine.generate(request(['lateral', 'report'], ['frontal'], { steps: 2, previewEvery: 0 }), () => undefined);
    expect(multi.directionId).toBe('L+T>F');
    expect(multi.outputs.frontal!.width).toBe(imageSize);
  }, 120_000);

  it('classifies an image (when the model ships a classifier)', async (test) => {
    const manifest = JSON.parse(readFileSync(MANIFEST, 'utf8')) as { models: { id: string; components: { name: string }[] }[] };
    const model = manifest.models.find((m) => m.id === MODEL_ID)!;
    if (!model.components.some((c) => c.name === 'phantom_classifier')) test.skip();
    const result = await engine.classify(MODEL_ID, phantomImage(80, 220));
    expect(result.labels.length).toBe(result.probs.length);
    for (const p of result.probs) expect(p).toBeGreaterThanOrEqual(0);
  }, 60_000);
});
