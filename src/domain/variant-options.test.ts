import { describe, expect, it } from 'vitest';
import type { ModelCacheStatus } from '../contracts/engine-api';
import { parseManifest, type ModelEntry } from '../contracts/manifest-schema';
import { checkModelRequirements, type DeviceProbe } from '../../workers/runtime/capabilities';
import { sampleManifestJson } from '../../workers/testing/sample-manifest';
import {
  AUTOMATIC_VARIANT_VALUE,
  buildVariantOptions,
  offeredVariantIds,
  offeredVariantsByModel,
  parseVariantChoices,
  pruneVariantChoices,
  unrunnableReason,
  variantChoiceFromSelect,
  variantDownloadBytes,
  variantFiles,
  variantToEvict,
  withChosenVariant,
  withVariantChoice,
} from './variant-options';

const MiB = 1024 * 1024;
const sha = (component: number, tag: string) => `${component.toString(16).padStart(2, '0')}${tag}`.padEnd(64, '0');

/**
 * The sample (nano-shaped) manifest with the converter's three profiles on every graph: fp32 (4 MiB a graph),
 * q4f16 (1 MiB, needs shader-f16) and q4 (2 MiB). The classifier ships fp32 only, so the others fall back to it.
 */
function threeVariantModel(): ModelEntry {
  const json = sampleManifestJson() as { models: { components: { name: string; variants: unknown[] }[] }[] };
  const model = json.models[0];
  if (!model) throw new Error('sample manifest has no model');
  model.components.forEach((c, i) => {
    const fp32 = { id: 'fp32', dtype: 'fp32', files: [{ path: `${c.name}.onnx`, bytes: 4 * MiB, sha256: sha(i, 'a') }] };
    c.variants =
      c.name === 'phantom_classifier'
        ? [fp32]
        : [
            fp32,
            { id: 'q4f16', dtype: 'q4f16', files: [{ path: `${c.name}.q4f16.onnx`, bytes: MiB, sha256: sha(i, 'b') }] },
            { id: 'q4', dtype: 'q4', files: [{ path: `${c.name}.q4.onnx`, bytes: 2 * MiB, sha256: sha(i, 'c') }] },
          ];
  });
  const parsed = parseManifest(json).models[0];
  if (!parsed) throw new Error('fixture did not parse');
  return parsed;
}

const gpuWithoutF16: DeviceProbe = {
  capabilities: {
    webgpu: true, adapterDescription: 'test gpu', isFallbackAdapter: false, shaderF16: false,
    maxBufferSize: 1 << 30, maxStorageBufferBindingSize: 1 << 30, crossOriginIsolated: true, wasmThreads: 2,
  },
  features: new Set(),
};
const gpuWithF16: DeviceProbe = {
  capabilities: { ...gpuWithoutF16.capabilities, shaderF16: true },
  features: new Set(['shader-f16']),
};

const EXTRAS = 30; // two tokenizers and one asset of 10 bytes each
const GRAPHS = 14; // sample components besides the classifier

function statusOf(model: ModelEntry, variant: string, cachedBytes: number): ModelCacheStatus {
  const totalBytes = variantDownloadBytes(model, variant);
  return { modelId: model.id, variant, files: [], cachedBytes, totalBytes, complete: cachedBytes === totalBytes };
}

describe('variant sizes', () => {
  const model = threeVariantModel();

  it('lists the offered variant ids in manifest order', () => {
    expect(offeredVariantIds(model)).toEqual(['fp32', 'q4f16', 'q4']);
  });

  it('totals each variant with fp32 standing in for components that lack it, counting shared files once', () => {
    expect(variantDownloadBytes(model, 'fp32')).toBe((GRAPHS + 1) * 4 * MiB + EXTRAS);
    expect(variantDownloadBytes(model, 'q4f16')).toBe(GRAPHS * MiB + 4 * MiB + EXTRAS);
    expect(variantDownloadBytes(model, 'q4')).toBe(GRAPHS * 2 * MiB + 4 * MiB + EXTRAS);
    expect(variantFiles(model, 'q4').filter((f) => f.path === 'phantom_classifier.onnx')).toHaveLength(1);
  });
});

describe('buildVariantOptions', () => {
  const model = threeVariantModel();
  const checksOn = (probe: DeviceProbe) =>
    offeredVariantIds(model).map((variant) => checkModelRequirements(model, probe, { variant }));

  it('disables the fp16 variant on a GPU without shader-f16 and says why', () => {
    const options = buildVariantOptions(model, checksOn(gpuWithoutF16), []);
    expect(options.map((o) => [o.id, o.runnable])).toEqual([
      ['fp32', true],
      ['q4f16', false],
      ['q4', true],
    ]);
    const q4f16 = options[1];
    expect(q4f16?.reason).toBe('Variant "q4f16" (q4f16) needs WebGPU with shader-f16, which this device does not offer.');
    expect(q4f16?.label).toBe(
      'q4f16 — 18.0 MiB — cannot run on this device: Variant "q4f16" (q4f16) needs WebGPU with shader-f16, which this device does not offer.',
    );
    expect(options[0]?.reason).toBeNull();
    // The engine's automatic pick on this device is a variant the select offers as runnable.
    const automatic = checkModelRequirements(model, gpuWithoutF16);
    expect(options.find((o) => o.id === automatic.variant)?.runnable).toBe(true);
  });

  it('offers every variant on a GPU with shader-f16', () => {
    const options = buildVariantOptions(model, checksOn(gpuWithF16), []);
    expect(options.every((o) => o.runnable === true && o.reason === null)).toBe(true);
    expect(checkModelRequirements(model, gpuWithF16).variant).toBe('q4f16');
  });

  it('shows the cache state per variant, unknown until the engine answers', () => {
    const statuses = [statusOf(model, 'fp32', variantDownloadBytes(model, 'fp32')), statusOf(model, 'q4', 3 * MiB)];
    const options = buildVariantOptions(model, [], statuses);
    expect(options.map((o) => [o.id, o.cache, o.runnable])).toEqual([
      ['fp32', 'cached', null],
      ['q4f16', 'unknown', null],
      ['q4', 'partial', null],
    ]);
    expect(options.map((o) => o.label)).toEqual(['fp32 — 60.0 MiB, downloaded', 'q4f16 — 18.0 MiB', 'q4 — 32.0 MiB, 3.0 MiB downloaded']);
    const none = buildVariantOptions(model, [], [statusOf(model, 'q4', 0)]);
    expect(none[2]?.label).toBe('q4 — 32.0 MiB, not downloaded');
  });

  it('names the dtype when it differs from the id', () => {
    const copy = threeVariantModel();
    const renamed = {
      ...copy,
      components: copy.components.map((c) => ({ ...c, variants: c.variants.map((v) => (v.id === 'q4' ? { ...v, id: 'small' } : v)) })),
    };
    expect(buildVariantOptions(renamed, [], [])[2]?.label).toBe('small (q4) — 32.0 MiB');
  });
});

describe('unrunnableReason', () => {
  it('falls back to every message, then to a plain sentence', () => {
    expect(unrunnableReason({ ok: false, messages: ['No WebGPU.', 'Single thread.'], backend: 'wasm', variant: 'x' }, 'x')).toBe(
      'No WebGPU. Single thread.',
    );
    expect(unrunnableReason({ ok: false, messages: [], backend: 'wasm', variant: 'x' }, 'x')).toBe('This device cannot run it.');
    expect(unrunnableReason({ ok: true, messages: ['Running on WASM.'], backend: 'wasm', variant: 'x' }, 'x')).toBeNull();
  });
});

describe('variant choices', () => {
  const model = threeVariantModel();

  it('maps the select value to a choice: Automatic is none', () => {
    expect(variantChoiceFromSelect(AUTOMATIC_VARIANT_VALUE)).toBeUndefined();
    expect(variantChoiceFromSelect('q4')).toBe('q4');
  });

  it('sets and clears one model at a time', () => {
    const one = withVariantChoice({}, 'medcodi-nano', 'q4');
    const two = withVariantChoice(one, 'medcodi-full', 'fp32');
    expect(two).toEqual({ 'medcodi-nano': 'q4', 'medcodi-full': 'fp32' });
    expect(withVariantChoice(two, 'medcodi-nano', undefined)).toEqual({ 'medcodi-full': 'fp32' });
    expect(one).toEqual({ 'medcodi-nano': 'q4' });
  });

  it('drops choices the manifest no longer backs and keeps the object when nothing changes', () => {
    const offered = offeredVariantsByModel({ schemaVersion: 1, models: [model] });
    expect(offered).toEqual({ 'medcodi-nano': ['fp32', 'q4f16', 'q4'] });
    const fine = { 'medcodi-nano': 'q4' };
    expect(pruneVariantChoices(fine, offered)).toBe(fine);
    expect(pruneVariantChoices({ 'medcodi-nano': 'q8', gone: 'fp32' }, offered)).toEqual({});
  });

  it('accepts only an object of non-empty strings from storage', () => {
    expect(parseVariantChoices({ a: 'q4', b: '', c: 3 })).toEqual({ a: 'q4' });
    expect(parseVariantChoices(['q4'])).toEqual({});
    expect(parseVariantChoices(null)).toEqual({});
  });

  it('removes one variant only when the model offers several', () => {
    expect(variantToEvict(['fp32', 'q4'], 'q4')).toBe('q4');
    expect(variantToEvict(['fp32'], 'fp32')).toBeUndefined();
  });
});

describe('withChosenVariant', () => {
  const request = { jobId: 'j', modelId: 'medcodi-nano' };
  it('fills in the chosen variant of the request\'s model', () => {
    expect(withChosenVariant(request, { 'medcodi-nano': 'q4', other: 'fp32' })).toEqual({ ...request, variant: 'q4' });
  });
  it('leaves a model on Automatic without a variant, and keeps a variant the request already names', () => {
    const automatic = withChosenVariant(request, { other: 'q4' });
    expect(automatic).toBe(request);
    expect('variant' in automatic).toBe(false);
    const named = { ...request, variant: 'fp32' };
    expect(withChosenVariant(named, { 'medcodi-nano': 'q4' })).toBe(named);
  });
});
