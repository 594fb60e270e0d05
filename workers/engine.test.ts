import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { createStore } from 'idb-keyval';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ConditionInput, GenerationRequest, GenerationSettings, JobEvent } from '../src/contracts/job';
import type { Modality } from '../src/contracts/modality';
import { DIRECTIONS } from '../src/contracts/modality';
import { createCancelFlag, setCancelFlag } from '../src/contracts/cancel-flag';
import { receiveJobEvents } from '../src/contracts/event-port';
import { createEngine } from './engine';
import type { EngineDeps } from './engine';
import { FileCache } from './registry/file-cache';
import { createManifestCache } from './registry/manifest-cache';
import type { DeviceProbe } from './runtime/capabilities';
import { createFakeServer } from './testing/fake-server';
import type { FakeModel } from './testing/fake-model';
import { FAKE, buildFakeModel, createFakeBinding } from './testing/fake-model';

const fixture = (name: string) => readFileSync(new URL(`./tokenizers/__fixtures__/${name}`, import.meta.url), 'utf8');

let fake: FakeModel;
beforeAll(async () => {
  fake = await buildFakeModel({ clip: fixture('tokenizer-clip.json'), gpt2: fixture('tokenizer-gpt2.json') });
});

const wasmProbe: DeviceProbe = {
  capabilities: {
    webgpu: false, adapterDescription: null, isFallbackAdapter: false, shaderF16: false,
    maxBufferSize: null, maxStorageBufferBindingSize: null, crossOriginIsolated: true, wasmThreads: 2,
  },
  features: new Set(),
};
const gpuProbe: DeviceProbe = {
  capabilities: { ...wasmProbe.capabilities, webgpu: true, adapterDescription: 'test gpu', maxBufferSize: 1 << 30, maxStorageBufferBindingSize: 1 << 30 },
  features: new Set(['shader-f16']),
};

let stores = 0;
function setup(options: { binding?: ReturnType<typeof createFakeBinding>; probe?: DeviceProbe; deps?: Partial<EngineDeps> } = {}) {
  stores += 1;
  const server = createFakeServer(fake.files);
  const binding = options.binding ?? createFakeBinding();
  const deps: Partial<EngineDeps> = {
    loadOrt: async () => binding,
    fetchImpl: server.fetchImpl,
    cache: new FileCache(createStore(`engine-test-${stores}-${Math.random()}`, 'files')),
    estimate: async () => null,
    probe: async () => options.probe ?? wasmProbe,
    baseUrl: () => 'https://studio.test/app/',
    manifestCache: createManifestCache(createStore(`engine-meta-${stores}-${Math.random()}`, 'manifests')),
  };
  return { engine: createEngine({ ...deps, ...options.deps }), server, binding, deps: { ...deps, ...options.deps } };
}

const settings: GenerationSettings = {
  steps: 4, guidanceScale: 7.5, seed: 42, sampler: 'ddim', eta: 1, previewEvery: 0, temperature: 1, topP: 1, maxTokens: 12,
};
const image = (v: number) => ({ width: 16, height: 12, pixels: new Uint8ClampedArray(16 * 12).fill(v) });
const input = (m: Modality): ConditionInput =>
  m === 'report' ? { modality: m, weight: 1, text: 'Mild cardiomegaly. No effusion.' } : { modality: m, weight: 1, image: image(m === 'frontal' ? 120 : 60) };

let jobs = 0;
function request(inputs: Modality[], outputs: Modality[], s: Partial<GenerationSettings> = {}): GenerationRequest {
  jobs += 1;
  return { jobId: `job-${jobs}`, modelId: 'fake', inputs: inputs.map(input), outputs, settings: { ...settings, ...s } };
}

describe('Engine', () => {
  it('initialises from a relative manifest URL and reports capabilities', async () => {
    const { engine, server } = setup();
    const info = await engine.init('/models-manifest.json');
    expect(info.modelIds).toEqual(['fake']);
    expect(info.capabilities.wasmThreads).toBe(2);
    expect(server.requests[0]?.url).toBe('https://studio.test/models-manifest.json');
    expect(await engine.checkRequirements('fake')).toMatchObject({ ok: true, backend: 'wasm', variant: 'fp32' });
  });

  it('reports manifest problems in plain words', async () => {
    const { engine } = setup();
    await expect(engine.init('/nope.json')).rejects.toThrow('Could not load the model manifest from https://studio.test/nope.json: HTTP 404');
    await expect(engine.cacheStatus('fake')).rejects.toThrow('call init(manifestUrl) first');
  });

  it('runs all twelve directions with contract-shaped graph calls', async () => {
    const { engine, binding } = setup();
    await engine.init('https://studio.test/models-manifest.json');
    for (const d of DIRECTIONS) {
      const events: JobEvent[] = [];
      const result = await engine.generate(request([...d.inputs], [...d.outputs]), (e) => events.push(e));
      expect(result.directionId).toBe(d.id);
      expect(result.synthetic).toBe(true);
      expect(result.backend).toBe('wasm');
      expect(result.timings.stepsRun).toBe(4);
      for (const m of d.outputs) {
        if (m === 'report') {
          expect(typeof result.outputs.report).toBe('string');
          expect(result.outputs.report!.length).toBeGreaterThan(0);
        } else {
          expect(result.outputs[m]).toMatchObject({ width: FAKE.S, height: FAKE.S });
          expect(result.outputs[m]!.pixels.length).toBe(FAKE.S * FAKE.S);
        }
      }
      expect(Object.keys(result.outputs).sort()).toEqual([...d.outputs].sort());
      expect(result.inputs.map((i) => i.modality)).toEqual(d.inputs);
      for (const i of result.inputs) expect(i.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(JSON.stringify(result)).not.toContain('cardiomegaly'); // hashes, never raw inputs
      expect(events[0]).toEqual({ type: 'queued', jobId: result.jobId });
      expect(events.at(-1)).toEqual({ type: 'done', jobId: result.jobId });
      // Step events are coalesced (job-events.ts): the first and the last always arrive, in order.
      const steps = events.filter((e) => e.type === 'denoise').map((e) => (e as { step: number }).step);
      expect([steps[0], steps.at(-1)]).toEqual([1, 4]);
      expect(steps.every((n, k) => k === 0 || n > (steps[k - 1] ?? 0))).toBe(true);
      const joint = d.outputs.length > 1;
      const unets = new Set(binding.calls.slice(-20).map((c) => c.component).filter((c) => c.startsWith('unet_')));
      for (const u of unets) expect(u.endsWith('_joint')).toBe(joint);
    }
    // Sessions were created once per component and reused by later jobs.
    expect(new Set(binding.created).size).toBe(binding.created.length);
  });

  it('sends the job events over an event port, as the studio does, with done handled before the result', async () => {
    const { engine } = setup();
    await engine.init('https://studio.test/models-manifest.json');
    const { port1, port2 } = new MessageChannel();
    const seen: string[] = [];
    const stop = receiveJobEvents(port1, (e) => void seen.push(e.type));
    const result = await engine.generate(request(['report'], ['frontal', 'lateral'], { previewEvery: 2 }), port2);
    seen.push('result');
    stop();
    expect(result.outputs.frontal).toBeDefined();
    expect(seen[0]).toBe('queued');
    expect(seen.slice(-2)).toEqual(['done', 'result']);
    expect(seen).toContain('denoise');
    expect(seen).toContain('preview');
  });

  it('feeds the report decoder BOS at position 1 and stops at EOS', async () => {
    const { engine, binding } = setup();
    await engine.init('https://studio.test/models-manifest.json');
    const events: JobEvent[] = [];
    const result = await engine.generate(request(['frontal'], ['report']), (e) => events.push(e));
    const steps = binding.calls.filter((c) => c.component === 'gpt2_step');
    expect(steps.length).toBe(7); // 6 tokens, then EOS (the fake forces EOS after position 6)
    expect(steps[0]?.dims.past_keys).toEqual([FAKE.layers, 1, FAKE.heads, 1, FAKE.headDim]);
    const tokens = events.filter((e) => e.type === 'token') as Extract<JobEvent, { type: 'token' }>[];
    // rate-limited: the first token at once, the complete report last, counts strictly increasing
    const counts = tokens.map((t) => t.count);
    expect(counts[0]).toBe(1);
    expect(counts.at(-1)).toBe(6);
    expect(counts.every((c, i) => i === 0 || c > (counts[i - 1] ?? 0))).toBe(true);
    expect(result.outputs.report).toBeTruthy();
  });

  it('accounts for a job\'s time phase by phase', async () => {
    // Graph runs that block 0.5 ms, so the 20 denoising steps take longer than one yield interval.
    const binding = createFakeBinding({ runBusyMs: 0.5 });
    const { engine } = setup({ binding });
    await engine.init('https://studio.test/models-manifest.json');
    const { timings } = await engine.generate(request(['frontal'], ['report', 'lateral'], { steps: 20 }), () => undefined);
    const phases = timings.phases ?? [];
    expect(phases.map((p) => p.phase)).toEqual(['prepare', 'encode', 'denoise', 'decode', 'finish']);
    const sum = (f: (p: (typeof phases)[number]) => number) => phases.reduce((a, p) => a + f(p), 0);
    expect(sum((p) => p.sessionRunMs)).toBeCloseTo(timings.sessionRunMs, 6);
    // One count per graph call: the binding is this test's own, and init and prepare run no graphs.
    expect(timings.sessionRuns).toBe(binding.calls.length);
    expect(sum((p) => p.wallMs)).toBeLessThanOrEqual(timings.totalMs + 1e-6);
    expect(sum((p) => p.wallMs)).toBeGreaterThan(timings.totalMs - 1);
    expect(phases.every((p) => p.sessionRunMs <= p.wallMs + 1e-6)).toBe(true);
    // The fake graphs run only in encode, denoise and decode.
    expect(phases.filter((p) => p.sessionRunMs > 0).map((p) => p.phase)).toEqual(['encode', 'denoise', 'decode']);
    // Yields are part of the time outside session.run; 20 steps of 2 ms each must have yielded at least once.
    expect(phases.every((p) => (p.yieldMs ?? -1) >= 0 && (p.yieldMs ?? 0) <= p.wallMs - p.sessionRunMs + 1e-6)).toBe(true);
    expect(phases.find((p) => p.phase === 'denoise')?.yieldMs).toBeGreaterThan(0);
  });

  it('is deterministic for a seed and emits previews every N steps', async () => {
    const { engine } = setup();
    await engine.init('https://studio.test/models-manifest.json');
    const a = await engine.generate(request(['report'], ['frontal', 'lateral']), () => undefined);
    const b = await engine.generate(request(['report'], ['frontal', 'lateral']), () => undefined);
    const c = await engine.generate(request(['report'], ['frontal', 'lateral'], { seed: 7 }), () => undefined);
    expect(b.outputs.frontal!.pixels).toEqual(a.outputs.frontal!.pixels);
    expect(c.outputs.frontal!.pixels).not.toEqual(a.outputs.frontal!.pixels);
    const single = await engine.generate(request(['report'], ['frontal']), () => undefined);
    expect(single.outputs.frontal!.pixels.length).toBe(FAKE.S * FAKE.S);

    const events: JobEvent[] = [];
    await engine.generate(request(['frontal'], ['report', 'lateral'], { steps: 5, previewEvery: 2 }), (e) => events.push(e));
    const previews = events.filter((e) => e.type === 'preview') as Extract<JobEvent, { type: 'preview' }>[];
    expect(previews.map((p) => [p.modality, p.step])).toEqual([['lateral', 2], ['lateral', 4]]);
  });

  it('cancels a running job cooperatively and runs the next job normally', async () => {
    const binding = createFakeBinding({ runDelayMs: 2 });
    const { engine } = setup({ binding });
    await engine.init('https://studio.test/models-manifest.json');
    const first = request(['report'], ['frontal'], { steps: 40 });
    const queued = request(['report'], ['lateral']);
    const events: JobEvent[] = [];
    const queuedEvents: JobEvent[] = [];
    const running = engine.generate(first, (e) => {
      events.push(e);
      if (e.type === 'denoise') void engine.cancel(first.jobId);
    });
    const waiting = engine.generate(queued, (e) => queuedEvents.push(e));
    const cancelledQueued = engine.generate(request(['report'], ['lateral']), () => undefined).then(
      () => 'resolved',
      (e: Error) => e.name,
    );
    void engine.cancel(`job-${jobs}`);
    await expect(running).rejects.toMatchObject({ name: 'AbortError' });
    expect(await cancelledQueued).toBe('AbortError');
    expect(events.at(-1)).toEqual({ type: 'cancelled', jobId: first.jobId });
    expect(events.filter((e) => e.type === 'denoise').length).toBeLessThan(5);
    const next = await waiting;
    expect(next.outputs.lateral).toBeDefined();
    expect(queuedEvents.at(-1)).toEqual({ type: 'done', jobId: queued.jobId });
    const again = await engine.generate(request(['report'], ['frontal']), () => undefined);
    expect(again.timings.stepsRun).toBe(4);
  });

  it('stops at the next step when the shared cancel flag is set, with no message and no yield needed', async () => {
    // Runs block the thread and resolve in microtasks (ORT-web WASM), so only the flag can reach the loop here.
    const binding = createFakeBinding({ runBusyMs: 0.5 });
    const { engine } = setup({ binding });
    await engine.init('https://studio.test/models-manifest.json');
    await engine.generate(request(['report'], ['frontal']), () => undefined); // warm: sessions + files
    const flag = createCancelFlag();
    expect(flag).toBeDefined();
    const job = request(['report'], ['frontal'], { steps: 200 });
    const unetRuns = () => binding.calls.filter((c) => c.component.startsWith('unet_')).length;
    let runsAtCancel = -1;
    const events: JobEvent[] = [];
    const outcome = engine.generate(job, (e) => {
      events.push(e);
      if (e.type === 'denoise' && runsAtCancel < 0) {
        runsAtCancel = unetRuns();
        setCancelFlag(flag as Int32Array); // what the UI thread does, in memory both threads share
      }
    }, flag).then(() => 'finished', (e: Error) => e.name);
    expect(await outcome).toBe('AbortError');
    expect(events.at(-1)).toEqual({ type: 'cancelled', jobId: job.jobId });
    expect(runsAtCancel).toBeGreaterThan(0);
    expect(unetRuns() - runsAtCancel).toBeLessThanOrEqual(1); // at most the step already under way
    const again = await engine.generate(request(['report'], ['frontal']), () => undefined, createCancelFlag());
    expect(again.timings.stepsRun).toBe(4);
  });

  it('refuses a cancel flag that is not shared memory, with a clear message', async () => {
    const { engine } = setup();
    await engine.init('https://studio.test/models-manifest.json');
    const events: JobEvent[] = [];
    const job = request(['report'], ['frontal']);
    await expect(engine.generate(job, (e) => events.push(e), new Int32Array(1))).rejects.toThrow(
      'The cancel flag must be an Int32Array over a SharedArrayBuffer (createCancelFlag), or left out',
    );
    expect(events.at(-1)?.type).toBe('error');
  });

  it('rejects invalid requests before queueing, with an error event', async () => {
    const { engine } = setup();
    await engine.init('https://studio.test/models-manifest.json');
    const bad: GenerationRequest = { ...request(['report'], ['frontal']), inputs: [{ modality: 'report', weight: 1, text: '  ' }] };
    const events: JobEvent[] = [];
    await expect(engine.generate(bad, (e) => events.push(e))).rejects.toThrow('The report is empty: type or paste a report, or remove the report input.');
    expect(events).toEqual([{ type: 'error', jobId: bad.jobId, message: 'The report is empty: type or paste a report, or remove the report input.' }]);
    await expect(engine.generate({ ...request(['report'], ['frontal']), modelId: 'nope' }, () => undefined)).rejects.toThrow('Unknown model "nope"');
  });

  it('skips the cache lookup for files whose sessions and assets are already open, and looks again after an eviction', async () => {
    class CountingCache extends FileCache {
      lookups: string[][] = [];
      override cachedSet(modelId: string, sha256s: readonly string[]): Promise<Set<string>> {
        this.lookups.push([...sha256s]);
        return super.cachedSet(modelId, sha256s);
      }
    }
    const cache = new CountingCache(createStore(`engine-count-${Math.random()}`, 'files'));
    const { engine } = setup({ deps: { cache } });
    await engine.init('https://studio.test/models-manifest.json');
    await engine.generate(request(['frontal'], ['report']), () => undefined);
    expect(cache.lookups.length).toBe(1);
    cache.lookups = [];
    const again = await engine.generate(request(['frontal'], ['report']), () => undefined);
    expect(again.outputs.report).toBeDefined();
    expect(cache.lookups).toEqual([]); // every session and asset of this direction is open

    await engine.generate(request(['report'], ['frontal']), () => undefined);
    const checked = cache.lookups.flat();
    const { models } = fake.manifest as { models: { components: { name: string; variants: { files: { sha256: string }[] }[] }[] }[] };
    const shaOf = (name: string) => models[0]?.components.find((c) => c.name === name)?.variants[0]?.files[0]?.sha256;
    expect(checked).toContain(shaOf('unet_frontal'));
    expect(checked).not.toContain(shaOf('gpt2_step')); // open since the first job
    expect(checked).not.toContain(shaOf('clip_vision'));

    await engine.evictModel('fake');
    cache.lookups = [];
    const afterEvict = await engine.generate(request(['frontal'], ['report']), () => undefined);
    expect(afterEvict.outputs.report).toBe(again.outputs.report); // same seed, files fetched again
    expect(cache.lookups.flat()).toContain(shaOf('gpt2_step'));
  });

  it('keeps the report decoder KV cache on the GPU on WebGPU, frees every buffer, and decodes the same report as WASM', async () => {
    const gpu = setup({ probe: gpuProbe });
    await gpu.engine.init('https://studio.test/models-manifest.json');
    const onGpu = await gpu.engine.generate(request(['frontal'], ['report']), () => undefined);
    expect(onGpu.backend).toBe('webgpu');

    const steps = gpu.binding.calls.filter((c) => c.component === 'gpt2_step');
    expect(steps.length).toBe(7);
    // Every step reads the previous cache where it already is: gpt2_init's, then each step's own present K/V.
    for (const step of steps) expect([step.locations.past_keys, step.locations.past_values]).toEqual(['gpu-buffer', 'gpu-buffer']);
    expect(steps.every((s) => s.locations.input_ids === 'cpu' && s.locations.emb_bias === 'cpu')).toBe(true);
    // 2 from gpt2_init + 2 per step; none read back, each freed exactly once (the last pair when the loop ends).
    const kv = gpu.binding.gpuTensors.filter((t) => t.source.startsWith('gpt2_'));
    expect(kv.length).toBe(2 + 2 * steps.length);
    expect(kv.map((t) => t.downloads)).toEqual(kv.map(() => 0));
    expect(kv.map((t) => t.disposals)).toEqual(kv.map(() => 1));

    // Graphs other than the decoder's, and parity's per-graph runs of the decoder, read everything back.
    const cpu = setup();
    await cpu.engine.init('https://studio.test/models-manifest.json');
    const onCpu = await cpu.engine.generate(request(['frontal'], ['report']), () => undefined);
    expect(onCpu.backend).toBe('wasm');
    expect(cpu.binding.gpuTensors).toEqual([]);
    expect(onGpu.outputs.report).toBe(onCpu.outputs.report);
  });

  it.each([
    ['ddim', ['report'], ['frontal', 'lateral']],
    ['dpmpp-2m', ['frontal'], ['report']],
  ] as const)('on WebGPU runs %s updates in latent_step with every latent kept on the GPU, and matches WASM (%j → %j)', async (sampler, inputs, outputs) => {
    const s = { sampler, previewEvery: 2 } as const;
    const gpu = setup({ probe: gpuProbe });
    await gpu.engine.init('https://studio.test/models-manifest.json');
    const previews: JobEvent[] = [];
    const onGpu = await gpu.engine.generate(request([...inputs], [...outputs], s), (e) => (e.type === 'preview' ? previews.push(e) : undefined));
    expect(onGpu.backend).toBe('webgpu');
    const steps = gpu.binding.calls.filter((c) => c.component === 'latent_step');
    expect(steps.length).toBe(settings.steps * outputs.length);
    // From the second step on, each update and each UNet reads its latent where the previous update left it.
    for (const call of steps.slice(outputs.length)) {
      expect([call.locations.x, call.locations.eps2, call.locations.x0_prev]).toEqual(['gpu-buffer', 'gpu-buffer', 'gpu-buffer']);
    }
    const unets = gpu.binding.calls.filter((c) => c.component.startsWith('unet_'));
    expect(unets.slice(outputs.length).every((c) => c.locations.sample === 'gpu-buffer')).toBe(true);
    // Read back: only each target's final latent and the x0 of each image preview; everything freed exactly once.
    const kept = gpu.binding.gpuTensors.filter((t) => !t.source.startsWith('gpt2_'));
    const imageTargets = outputs.filter((m) => m !== 'report').length;
    expect(previews.length).toBe(imageTargets);
    expect(kept.filter((t) => t.downloads > 0).map((t) => `${t.source}:${t.downloads}`).sort()).toEqual(
      [...outputs.map(() => 'latent_step.prev:1'), ...Array.from({ length: imageTargets }, () => 'latent_step.x0:1')].sort(),
    );
    expect(kept.map((t) => t.disposals)).toEqual(kept.map(() => 1));

    const cpu = setup();
    await cpu.engine.init('https://studio.test/models-manifest.json');
    const onCpu = await cpu.engine.generate(request([...inputs], [...outputs], s), () => undefined);
    expect(onCpu.backend).toBe('wasm');
    expect(cpu.binding.calls.some((c) => c.component === 'latent_step')).toBe(false);
    // DDIM in the graph's order is the JavaScript sampler bit for bit; DPM-Solver++ differs by float rounding.
    if (sampler === 'ddim') expect(onGpu.outputs).toEqual(onCpu.outputs);
    else expect(onGpu.outputs.report).toBe(onCpu.outputs.report);
  });

  it('frees every GPU latent when a job is cancelled mid-denoise on WebGPU', async () => {
    const { engine, binding } = setup({ probe: gpuProbe, binding: createFakeBinding({ runDelayMs: 1 }) });
    await engine.init('https://studio.test/models-manifest.json');
    const job = engine.generate(request(['report'], ['frontal', 'lateral'], { steps: 20 }), (e) => {
      if (e.type === 'denoise' && e.step >= 3) void engine.cancel(e.jobId);
    });
    await expect(job).rejects.toMatchObject({ name: 'AbortError' });
    const kept = binding.gpuTensors;
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.map((t) => t.disposals)).toEqual(kept.map(() => 1));
  });

  it('frees the GPU KV cache when a report job is cancelled mid-decoding', async () => {
    const { engine, binding } = setup({ probe: gpuProbe, binding: createFakeBinding({ runDelayMs: 1 }) });
    await engine.init('https://studio.test/models-manifest.json');
    const job = request(['frontal'], ['report']);
    const running = engine.generate(job, (e) => {
      if (e.type === 'token') void engine.cancel(job.jobId);
    });
    await expect(running).rejects.toMatchObject({ name: 'AbortError' });
    expect(binding.calls.filter((c) => c.component === 'gpt2_step').length).toBeLessThan(7);
    expect(binding.gpuTensors.length).toBeGreaterThan(2);
    expect(binding.gpuTensors.every((t) => t.disposals === 1)).toBe(true);
  });

  it('falls back to WASM when WebGPU fails mid-job and says so', async () => {
    const binding = createFakeBinding({ failRunOn: { backend: 'webgpu', message: 'GPUDevice was lost: out of memory' } });
    const { engine } = setup({ binding, probe: gpuProbe });
    await engine.init('https://studio.test/models-manifest.json');
    expect((await engine.checkRequirements('fake')).backend).toBe('webgpu');
    const warn = console.warn;
    console.warn = () => undefined;
    const events: JobEvent[] = [];
    try {
      const result = await engine.generate(request(['report'], ['frontal']), (e) => events.push(e));
      expect(result.backend).toBe('wasm');
    } finally {
      console.warn = warn;
    }
    expect(binding.released).toContain('clip_text@webgpu');
    expect(events.filter((e) => e.type === 'session').map((e) => (e as { backend: string }).backend)).toContain('wasm');
    const check = await engine.checkRequirements('fake');
    expect(check.backend).toBe('wasm');
    expect(check.messages.join(' ')).toMatch(/WebGPU failed earlier in this session \(GPUDevice was lost/);
  });

  it('prepares, reports and evicts the cache; classifies', async () => {
    const { engine } = setup();
    await engine.init('https://studio.test/models-manifest.json');
    const before = await engine.cacheStatus('fake');
    expect(before.complete).toBe(false);
    expect(before.files.length).toBe(19);
    const downloads: JobEvent[] = [];
    const after = await engine.prepareModel('fake', undefined, (e) => downloads.push(e));
    expect(after.complete).toBe(true);
    expect(after.cachedBytes).toBe(after.totalBytes);
    expect(downloads.every((e) => e.type === 'download')).toBe(true);
    const result = await engine.classify('fake', image(200));
    expect(result.labels).toEqual(FAKE.labels);
    expect(result.probs.length).toBe(3);
    await engine.evictModel('fake');
    expect((await engine.cacheStatus('fake')).cachedBytes).toBe(0);
  });

  it('evicts one variant and refuses a variant the model does not offer', async () => {
    const { engine } = setup();
    await engine.init('https://studio.test/models-manifest.json');
    await engine.prepareModel('fake', 'fp32', () => undefined);
    await expect(engine.evictModel('fake', 'q4')).rejects.toThrow('Model fake has no variant "q4" (it offers fp32).');
    expect((await engine.cacheStatus('fake', 'fp32')).complete).toBe(true);
    await engine.evictModel('fake', 'fp32');
    expect((await engine.cacheStatus('fake', 'fp32')).cachedBytes).toBe(0);
  });

  it('works offline after the model was prepared (cached manifest and files)', async () => {
    const online = setup();
    await online.engine.init('/models-manifest.json');
    await online.engine.prepareModel('fake', undefined, () => undefined);
    let attempts = 0;
    const offlineFetch = (async () => {
      attempts += 1;
      throw new TypeError('Failed to fetch');
    }) as typeof fetch;
    const warn = console.warn;
    console.warn = () => undefined;
    try {
      const reloaded = createEngine({ ...online.deps, fetchImpl: offlineFetch });
      expect((await reloaded.init('/models-manifest.json')).modelIds).toEqual(['fake']);
      const result = await reloaded.generate(request(['frontal', 'report'], ['lateral']), () => undefined);
      expect(result.outputs.lateral).toBeDefined();
      expect(attempts).toBe(1); // only the manifest was tried; every model file came from IndexedDB
      const fresh = setup({ deps: { fetchImpl: offlineFetch } });
      await expect(fresh.engine.init('/models-manifest.json')).rejects.toThrow('Could not load the model manifest from https://studio.test/models-manifest.json: Failed to fetch');
    } finally {
      console.warn = warn;
    }
  });

  it('lets a cancel message through even when every graph run resolves in microtasks', async () => {
    // Each run blocks the thread for 0.5 ms and resolves in microtasks, like ORT-web's WASM run() on a tiny graph, so
    // the job lasts far longer than the loops' yield interval and a cancel can only get in through their yields.
    const { engine } = setup({ binding: createFakeBinding({ runBusyMs: 0.5 }) });
    await engine.init('https://studio.test/models-manifest.json');
    await engine.generate(request(['report'], ['frontal']), () => undefined); // warm: sessions + files
    const job = request(['report'], ['frontal'], { steps: 200 });
    const events: JobEvent[] = [];
    const outcome = engine
      .generate(job, (e) => {
        events.push(e);
        // Like a comlink message from the UI thread: a macrotask, not a direct call.
        if (e.type === 'denoise' && e.step === 1) setTimeout(() => void engine.cancel(job.jobId), 0);
      })
      .then(() => 'finished', (e: Error) => e.name);
    expect(await outcome).toBe('AbortError');
    const steps = events.filter((e) => e.type === 'denoise').length;
    // Stopped before the end. (How many steps run first depends on Node's >= 1 ms timer granularity against
    // microsecond-fast fake steps, so no tighter bound; the browser e2e checks cancel latency on real graphs.)
    expect(steps).toBeLessThan(200);
  });
});
