/**
 * @file The studio's engine under Node with onnxruntime-node (CPU) instead of onnxruntime-web: the same Engine,
 * SessionPool and pipeline code the browser worker runs. Model files are "downloaded" from the repo
 * (models-manifest.json + public/) through the normal verified cache path (fake-indexeddb).
 * Used by the parity test (workers/integration/parity.test.ts) and `npm run bench`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createNodeEngine as createManifestEngine } from '../cli/node-engine';
import type { Engine } from '../workers/engine';

export const ROOT = resolve(import.meta.dirname, '..');
export const MANIFEST = resolve(ROOT, 'models-manifest.json');

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

/** An initialised Engine over the repo's manifest with onnxruntime-node CPU (`threads` intra-op threads): the batch
 * CLI's setup (cli/node-engine.ts), so the parity test, the bench and the CLI run the same code. */
export async function createNodeEngine(threads: number): Promise<Engine> {
  return (await createManifestEngine(MANIFEST, { backend: 'cpu', threads })).engine;
}

/** Parity fixture folder of a model. */
export function parityFixtureDir(modelId: string): string {
  return resolve(ROOT, 'e2e', 'fixtures', 'parity', modelId);
}
