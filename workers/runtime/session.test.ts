import { describe, expect, it } from 'vitest';
import { createFakeBinding, FAKE } from '../testing/fake-model';
import { ModelSession, float32, int64, isDeviceTensor } from './session';
import type { DeviceTensor } from './session';

const graph = (name: string) => new TextEncoder().encode(`fake-graph:${name}`);
const kvDims = [FAKE.layers, 1, FAKE.heads, 1, FAKE.headDim];
const latent = float32(new Float32Array(FAKE.D).fill(0.5), [1, FAKE.D]);

describe('ModelSession device outputs', () => {
  it('run() reads kept outputs back and frees their GPU buffers; runKeeping() leaves them on the device', async () => {
    const binding = createFakeBinding();
    const session = await ModelSession.create(binding, 'gpt2_init', graph('gpt2_init'), 'webgpu', [], ['past_keys', 'past_values']);
    const read = await session.run({ latent });
    expect(read.past_keys?.dims).toEqual(kvDims);
    expect(read.past_keys?.data).toBeInstanceOf(Float32Array);
    expect(binding.gpuTensors.map((t) => [t.downloads, t.disposals])).toEqual([[1, 1], [1, 1]]);

    const kept = await session.runKeeping({ latent });
    const keys = kept.past_keys as DeviceTensor;
    expect(isDeviceTensor(keys)).toBe(true);
    expect(keys.dims).toEqual(kvDims);
    expect(kept.emb_bias && !isDeviceTensor(kept.emb_bias) ? kept.emb_bias.data.length : 0).toBe(16);
    expect(binding.gpuTensors.slice(2).map((t) => [t.downloads, t.disposals])).toEqual([[0, 0], [0, 0]]);
  });

  it('refuses, in words, a GPU tensor fed to a session that runs on WASM (WebGPU failed mid-job)', async () => {
    const binding = createFakeBinding();
    const gpuInit = await ModelSession.create(binding, 'gpt2_init', graph('gpt2_init'), 'webgpu', [], ['past_keys', 'past_values']);
    const kept = await gpuInit.runKeeping({ latent });
    const wasmStep = await ModelSession.create(binding, 'gpt2_step', graph('gpt2_step'), 'wasm');
    const feeds = {
      input_ids: int64(BigInt64Array.of(1n), [1, 1]),
      position_ids: int64(BigInt64Array.of(1n), [1, 1]),
      emb_bias: float32(new Float32Array(16), [1, 16]),
      past_keys: kept.past_keys as DeviceTensor,
      past_values: kept.past_values as DeviceTensor,
    };
    await expect(wasmStep.run(feeds)).rejects.toThrow(
      'gpt2_step: input "past_keys" was left on the GPU, but this session runs on wasm (WebGPU failed during the job). Run the job again.',
    );
  });
});
