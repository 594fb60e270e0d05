import { describe, expect, it } from 'vitest';
import type { ModelEntry } from '../contracts/manifest-schema';
import { summarizeModel } from './model-summary';

const file = (path: string, bytes: number) => ({ path, bytes, sha256: '0'.repeat(64) });

const model = {
  components: [
    { name: 'unet_frontal', role: 'denoiser', modality: 'frontal', inputs: [], outputs: [], variants: [
      { id: 'fp32', dtype: 'fp32', files: [file('unet_frontal.onnx', 1000), file('unet_frontal.onnx.data', 5000)] },
      { id: 'fp16', dtype: 'fp16', files: [file('unet_frontal.fp16.onnx', 3000)] },
    ] },
    { name: 'clip_text', role: 'encoder', inputs: [], outputs: [], variants: [{ id: 'fp32', dtype: 'fp32', files: [file('clip_text.onnx', 200)] }] },
  ],
  tokenizers: [{ name: 'clip', kind: 'clip-bpe', file: file('tokenizer-clip.json', 10) }],
  assets: [{ name: 'unconditional', file: file('unconditional.json', 5) }],
} as unknown as ModelEntry;

describe('summarizeModel', () => {
  it('lists components with the chosen variant and totals every file', () => {
    const s = summarizeModel(model, 'fp16');
    expect(s.variants).toEqual(['fp32', 'fp16']);
    expect(s.components.map((c) => [c.name, c.variant, c.bytes, c.modality])).toEqual([
      ['unet_frontal', 'fp16', 3000, 'frontal'],
      ['clip_text', 'fp32', 200, null],
    ]);
    expect(s.extras.map((e) => e.name)).toEqual(['tokenizer clip', 'unconditional']);
    expect(s.totalBytes).toBe(3000 + 200 + 10 + 5);
  });

  it('defaults to each component\'s first variant', () => {
    expect(summarizeModel(model).totalBytes).toBe(6000 + 200 + 15);
  });
});
