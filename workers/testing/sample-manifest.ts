/**
 * @file A valid schemaVersion 1 manifest (nano-shaped) for unit tests. Hashes are placeholders unless a test
 * replaces them. Not used by the app.
 */

const hex = (c: string): string => c.repeat(64);

type Io = { name: string; dtype: string; shape: (number | string)[] };

function component(
  name: string,
  role: string,
  inputs: Io[],
  outputs: Io[],
  modality?: string,
): Record<string, unknown> {
  return {
    name,
    role,
    ...(modality ? { modality } : {}),
    inputs,
    outputs,
    variants: [{ id: 'fp32', dtype: 'fp32', files: [{ path: `${name}.onnx`, bytes: 100, sha256: hex('a') }] }],
  };
}

/** Returns a fresh, valid manifest object every call (tests mutate it). */
export function sampleManifestJson(): Record<string, unknown> {
  const lat = (n: string | number): Io => ({ name: 'sample', dtype: 'float32', shape: [n, 4, 16, 16] });
  const t: Io = { name: 'timestep', dtype: 'float32', shape: ['N'] };
  const ctx: Io = { name: 'context', dtype: 'float32', shape: ['N', 1, 128] };
  const hcon: Io = { name: 'h_con', dtype: 'float32', shape: ['N', 1, 128] };
  const eps: Io = { name: 'eps', dtype: 'float32', shape: ['N', 4, 16, 16] };
  const txt: Io = { name: 'sample', dtype: 'float32', shape: ['N', 64] };
  const components = [
    component('clip_text', 'encoder', [{ name: 'input_ids', dtype: 'int64', shape: ['B', 96] }], [{ name: 'text_embed', dtype: 'float32', shape: ['B', 1, 128] }], 'report'),
    component('clip_vision', 'encoder', [{ name: 'pixel_values', dtype: 'float32', shape: ['B', 3, 64, 64] }], [{ name: 'image_embed', dtype: 'float32', shape: ['B', 1, 128] }], 'image'),
    ...(['frontal', 'lateral'] as const).flatMap((m) => [
      component(`unet_${m}`, 'denoiser', [lat('N'), t, ctx], [eps], m),
      component(`unet_${m}_joint`, 'denoiser', [lat('N'), t, ctx, hcon], [eps], m),
      component(`env_${m}`, 'env', [lat('N'), t], [hcon], m),
    ]),
    component('unet_text', 'denoiser', [txt, t, ctx], [{ name: 'eps', dtype: 'float32', shape: ['N', 64] }], 'report'),
    component('unet_text_joint', 'denoiser', [txt, t, ctx, hcon], [{ name: 'eps', dtype: 'float32', shape: ['N', 64] }], 'report'),
    component('env_text', 'env', [txt, t], [hcon], 'report'),
    component('vae_decoder', 'decoder', [{ name: 'latent', dtype: 'float32', shape: ['B', 4, 16, 16] }], [{ name: 'image', dtype: 'float32', shape: ['B', 3, 64, 64] }], 'image'),
    component('gpt2_init', 'decoder', [{ name: 'latent', dtype: 'float32', shape: ['B', 64] }], [{ name: 'emb_bias', dtype: 'float32', shape: ['B', 128] }], 'report'),
    component('gpt2_step', 'decoder', [{ name: 'input_ids', dtype: 'int64', shape: ['B', 'T'] }], [{ name: 'logits', dtype: 'float32', shape: ['B', 'T', 1027] }], 'report'),
    component('phantom_classifier', 'classifier', [{ name: 'image', dtype: 'float32', shape: ['B', 1, 64, 64] }], [{ name: 'probs', dtype: 'float32', shape: ['B', 3] }]),
  ];
  return {
    schemaVersion: 1,
    models: [
      {
        id: 'medcodi-nano',
        version: '0.1.0',
        displayName: 'MedCoDi nano',
        description: 'test',
        config: 'nano',
        baseUrl: 'models/medcodi-nano/',
        synthetic: true,
        imageSize: 64,
        latents: { image: { channels: 4, size: 16, scaleFactor: 0.9 }, text: { dim: 64, scaleFactor: 1.2 } },
        embedDim: 128,
        hconDim: 128,
        schedule: { numTrainTimesteps: 1000, betaStart: 0.00085, betaEnd: 0.012, betaSchedule: 'scaled_linear', predictionType: 'epsilon' },
        sampling: { steps: 50, guidanceScale: 7.5, eta: 1.0 },
        clipImage: { size: 64, mean: [0.4815, 0.4578, 0.4082], std: [0.2686, 0.2613, 0.2758], resample: 'bicubic' },
        textEncoder: { contextLength: 96, tokenizer: 'clip' },
        textDecoder: { tokenizer: 'gpt2', bosTokenId: 1025, eosTokenId: 1026, padTokenId: 1024, maxLength: 120, layers: 2, heads: 4, headDim: 32, vocabSize: 1027 },
        classifier: { labels: ['cardiomegaly', 'effusion', 'normal'] },
        components,
        tokenizers: [
          { name: 'clip', kind: 'clip-bpe', file: { path: 'tokenizer-clip.json', bytes: 10, sha256: hex('b') } },
          { name: 'gpt2', kind: 'gpt2-bpe', file: { path: 'tokenizer-gpt2.json', bytes: 10, sha256: hex('c') } },
        ],
        assets: [{ name: 'unconditional', file: { path: 'unconditional.json', bytes: 10, sha256: hex('d') } }],
        requirements: { memoryMB: 256, webgpu: { features: [], maxBufferSize: 16777216 } },
        provenance: { trainedOn: 'chest phantom', seed: 0 },
      },
    ],
  };
}
