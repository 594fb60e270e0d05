import { describe, expect, it } from 'vitest';
import type { ConditionInput, GenerationRequest, GenerationSettings } from '../../src/contracts/job';
import { parseManifest } from '../../src/contracts/manifest-schema';
import type { Modality } from '../../src/contracts/modality';
import { DIRECTIONS } from '../../src/contracts/modality';
import { sampleManifestJson } from '../testing/sample-manifest';
import { findDirectionId, jobNeeds, validateRequest } from './generate';

const settings: GenerationSettings = {
  steps: 4, guidanceScale: 7.5, seed: 1, sampler: 'ddim', eta: 1, previewEvery: 0, temperature: 1, topP: 1, maxTokens: 20,
};
const image = { width: 4, height: 4, pixels: new Uint8ClampedArray(16) };
const input = (m: Modality, extra: Partial<Record<string, unknown>> = {}): ConditionInput =>
  (m === 'report' ? { modality: m, weight: 1, text: 'no acute findings', ...extra } : { modality: m, weight: 1, image, ...extra }) as ConditionInput;

function request(inputs: ConditionInput[], outputs: Modality[], s: Partial<GenerationSettings> = {}): GenerationRequest {
  return { jobId: 'j1', modelId: 'medcodi-nano', inputs, outputs, settings: { ...settings, ...s } };
}

const model = parseManifest(sampleManifestJson()).models[0]!;

describe('validateRequest', () => {
  it('accepts all twelve directions', () => {
    for (const d of DIRECTIONS) {
      expect(() => validateRequest(request(d.inputs.map((m) => input(m)), [...d.outputs]), model)).not.toThrow();
    }
  });

  it('needs at least one input and one output', () => {
    expect(() => validateRequest(request([], ['frontal']))).toThrow('Choose at least one input');
    expect(() => validateRequest(request([input('report')], []))).toThrow('Choose at least one output to generate.');
  });

  it('rejects a modality that is both input and output, and duplicates', () => {
    expect(() => validateRequest(request([input('frontal')], ['frontal', 'report']))).toThrow(
      'The frontal image is both an input and an output: remove it from one of them.',
    );
    expect(() => validateRequest(request([input('report'), input('report')], ['frontal']))).toThrow('Only one report input is allowed.');
    expect(() => validateRequest(request([input('report')], ['lateral', 'lateral']))).toThrow('listed twice');
  });

  it('rejects an empty report with the exact sentence', () => {
    for (const text of ['', '   \n\t']) {
      expect(() => validateRequest(request([input('report', { text })], ['frontal']))).toThrow(
        'The report is empty: type or paste a report, or remove the report input.',
      );
    }
  });

  it('checks images are single-channel 8-bit grey', () => {
    const rgba = { width: 2, height: 2, pixels: new Uint8ClampedArray(16) };
    expect(() => validateRequest(request([input('lateral', { image: rgba })], ['report']))).toThrow(/looks like RGBA/);
    expect(() => validateRequest(request([input('lateral', { image: { width: 0, height: 2, pixels: new Uint8ClampedArray(0) } })], ['report']))).toThrow(
      /invalid size/,
    );
    expect(() => validateRequest(request([input('frontal', { image: { width: 2, height: 2, pixels: new Float32Array(4) } })], ['report']))).toThrow(
      /8-bit grey/,
    );
    expect(() => validateRequest(request([{ modality: 'frontal', weight: 1 } as unknown as ConditionInput], ['report']))).toThrow(/has no image/);
  });

  it('checks weights and settings', () => {
    expect(() => validateRequest(request([input('report', { weight: 0 })], ['frontal']))).toThrow(/weight > 0/);
    expect(() => validateRequest(request([input('report')], ['frontal'], { steps: 0 }))).toThrow(/Steps must be/);
    expect(() => validateRequest(request([input('report')], ['frontal'], { topP: 0 }))).toThrow(/Top-p/);
    expect(() => validateRequest(request([input('report')], ['frontal'], { sampler: 'euler' as never }))).toThrow(/Unknown sampler/);
  });

  it('says which graphs a model lacks for a direction', () => {
    const json = sampleManifestJson() as { models: { components: { name: string }[] }[] };
    json.models[0]!.components = json.models[0]!.components.filter((c) => c.name !== 'unet_text_joint' && c.name !== 'env_text');
    const smaller = parseManifest(json).models[0]!;
    expect(() => validateRequest(request([input('frontal')], ['report', 'lateral']), smaller)).toThrow(
      'Model medcodi-nano cannot run F>T+L: it has no env_text, unet_text_joint graphs.',
    );
    expect(() => validateRequest(request([input('frontal')], ['report']), smaller)).not.toThrow();
  });
});

describe('jobNeeds and direction ids', () => {
  it('lists the graphs of single and joint directions', () => {
    expect(jobNeeds(model, request([input('report')], ['frontal']))).toEqual({
      components: ['clip_text', 'unet_frontal', 'vae_decoder'], tokenizers: ['clip'], assets: ['unconditional'],
    });
    expect(jobNeeds(model, request([input('frontal')], ['report', 'lateral'])).components).toEqual([
      'clip_vision', 'env_text', 'unet_text_joint', 'env_lateral', 'unet_lateral_joint', 'vae_decoder', 'gpt2_init', 'gpt2_step',
    ]);
  });

  it('uses the DIRECTIONS ids whatever the order', () => {
    expect(findDirectionId(['frontal'], ['lateral', 'report'])).toBe('F>T+L');
    expect(findDirectionId(['report', 'frontal'], ['lateral'])).toBe('F+T>L');
    expect(findDirectionId(['report', 'frontal', 'lateral'], ['frontal'])).toBe('F+L+T>F');
  });
});
