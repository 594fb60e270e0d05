/**
 * Integration: the real exported nano model (models-manifest.json + public/models/medcodi-nano/) through the
 * same Engine and pipeline code the browser runs, with onnxruntime-node (CPU) injected instead of
 * onnxruntime-web: the batch CLI's setup (cli/node-engine.ts). Files are "downloaded" from disk through the
 * normal verified cache path (fake-indexeddb). The model's files are in the repo: a missing one fails the suite.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { GenerationRequest, GenerationSettings, GreyImage, JobEvent } from '../../src/contracts/job';
import type { Modality } from '../../src/contracts/modality';
import { createNodeEngine } from '../../cli/node-engine';
import { MANIFEST, ROOT, modelReady } from '../../scripts/node-engine';
import type { Engine } from '../engine';

const MODEL_ID = 'medcodi-nano';

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

describe('real nano model through the engine (onnxruntime-node)', () => {
  it('finds every file of the bundled model in the repo (the suite never skips: a missing file is a failure)', () => {
    expect(modelReady(MODEL_ID)).toBe(true);
  });

  let engine: Engine;
  let imageSize = 0;

  beforeAll(async () => {
    const created = await createNodeEngine(MANIFEST, { backend: 'cpu', threads: 2 });
    engine = created.engine;
    expect(created.modelIds).toContain(MODEL_ID);
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
    // The decoder writes lower case; the report comes back in a radiologist's case, and so does the last token event.
    expect(result.outputs.report).toMatch(/^FINDINGS: [A-Z]/);
    expect(result.outputs.report).not.toMatch(/[.!?:]\s+[a-z]/); // every sentence starts with a capital
    const lastToken = events.filter((e) => e.type === 'token').at(-1) as Extract<JobEvent, { type: 'token' }>;
    expect(lastToken.text.trim().slice(0, 10)).toBe('FINDINGS: ');
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

  it('reads the model evaluation through the verified cache, as the toolchain wrote it', async () => {
    const evaluation = await engine.modelEvaluation(MODEL_ID);
    const onDisk = JSON.parse(readFileSync(resolve(ROOT, 'public/models', MODEL_ID, 'evaluation.json'), 'utf8')) as { rows: { direction: string; steps: number; value: number }[] };
    expect(evaluation).not.toBeNull();
    expect(evaluation!.rows.map((r) => [r.direction, r.steps, r.value])).toEqual(onDisk.rows.map((r) => [r.direction, r.steps, r.value]));
  });
});
