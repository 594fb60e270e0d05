/**
 * Parity with PyTorch inside Chromium (issue 3 "Proof"): the toolchain's fixtures (e2e/fixtures/parity/<model>/)
 * replayed through the real engine worker of the production build via the `?e2e=1` hooks (src/e2e-hooks.ts →
 * EngineApi.runParity): every graph vs graphs.json (≤ 1e-4) and whole 50-step runs vs runs.json (latents and
 * images ≤ 1e-3, greedy tokens and CLIP ids equal, CLIP pixel values ≤ 1e-6).
 * - WASM, 2 threads, crossOriginIsolated: every graph and all three runs.
 * - WebGPU (@webgpu, chromium-webgpu project; SwiftShader on GPU-less machines, ~100x slower than WASM): every
 *   graph plus the F>T run (its denoiser is the small text UNet; the image runs would take many minutes there).
 *   A graph that is off only after other graphs ran on the same GPU device is re-checked alone (see WEBGPU_HINT).
 * Timings go into the test's annotations.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import type { GraphFixtures, ParityReport, ParityRequest, RunFixtures } from '../src/contracts/parity';
import type { MedcodiE2E } from '../src/e2e-hooks';
import { expect, test } from './fixtures';

const MODEL_ID = 'medcodi-nano';
const DIR = resolve(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'parity', MODEL_ID);
const haveFixtures = existsSync(resolve(DIR, 'graphs.json')) && existsSync(resolve(DIR, 'runs.json'));
const readJson = <T>(name: string): T => JSON.parse(readFileSync(resolve(DIR, name), 'utf8')) as T;

/**
 * onnxruntime-web 1.30's WebGPU EP bakes InstanceNormalization's epsilon into a shader whose program-cache key
 * leaves it out (key: components, batch·channels), so a graph whose GroupNorms (exported as InstanceNormalization)
 * use another epsilon than one compiled earlier on the same device, in any session, silently runs with the wrong
 * epsilon. Exports that use one epsilon for every InstanceNormalization avoid it.
 */
/**
 * WebGPU graphs are held to the bar (graphs.tolerance, 1e-4). Until model 0.2.1 the UNets and environment
 * encoders missed it on SwiftShader (1.2-1.6e-4): its cos/sin are 1.9e-4 off at t = 981, which WGSL allows (2^-11),
 * and the timestep embedding carried that to every output. The exporter now writes cos/sin as plain arithmetic
 * (toolchain/medcodi/graph_passes.py), measured 1.7e-6 for unet_frontal on SwiftShader.
 */

const WEBGPU_HINT = ' (if this graph has InstanceNormalization: the onnxruntime WebGPU epsilon cache issue, see WEBGPU_HINT in e2e/parity.spec.ts)';

type Hooks = { __medcodiE2E?: MedcodiE2E };

async function openHooks(page: Page, options: { preferBackend: 'wasm' | 'webgpu'; wasmThreads?: number }) {
  await page.goto('/?e2e=1');
  await page.waitForFunction(() => (window as Hooks).__medcodiE2E !== undefined, undefined, { timeout: 30_000 });
  return page.evaluate((o) => (window as Hooks).__medcodiE2E!.init(o), options);
}

function runParity(page: Page, request: ParityRequest): Promise<ParityReport> {
  return page.evaluate((req) => (window as Hooks).__medcodiE2E!.runParity(req), request);
}

/** Soft assertions, so one report lists every graph and run that is off. */
function expectGraphs(report: Pick<ParityReport, 'graphs'>, graphs: GraphFixtures, hint = '', limit = graphs.tolerance): void {
  expect.soft(report.graphs.map((g) => g.graph).sort()).toEqual(Object.keys(graphs.graphs).sort());
  for (const g of report.graphs) {
    expect.soft(g.problems, g.graph).toEqual([]);
    expect.soft(g.maxAbsError, `${g.graph} ${JSON.stringify(g.outputs)}${hint}`).toBeLessThanOrEqual(limit);
  }
}

function expectRuns(report: ParityReport, runs: RunFixtures, names: readonly string[], graphTolerance: number): void {
  expect.soft(report.runs.map((r) => r.name)).toEqual(names);
  for (const run of report.runs) {
    const fx = runs.runs[run.name]!;
    const label = (what: string) => `${run.name}: ${what}`;
    expect.soft(run.problems, label('problems')).toEqual([]);
    expect.soft(run.noiseProblems, label('noise replay')).toEqual([]);
    if ('report' in fx.inputs) expect.soft(run.clipIdsEqual, label('CLIP ids')).toBe(true);
    if ('frontal' in fx.inputs || 'lateral' in fx.inputs) expect.soft(run.clipPixelMaxAbs, label('CLIP pixels')).toBeLessThanOrEqual(1e-6);
    expect.soft(Object.keys(run.conditionMaxAbs).sort()).toEqual(Object.keys(fx.conditions).sort());
    for (const [m, err] of Object.entries(run.conditionMaxAbs)) expect.soft(err, label(`condition ${m}`)).toBeLessThanOrEqual(graphTolerance);
    expect.soft(Object.keys(run.latentMaxAbs).sort()).toEqual([...fx.targets].sort());
    for (const [m, err] of Object.entries(run.latentMaxAbs)) expect.soft(err, label(`latent ${m}`)).toBeLessThanOrEqual(fx.tolerance);
    for (const m of fx.targets.filter((t) => t !== 'report')) {
      expect.soft(run.imageMaxAbs[m], label(`image ${m}`)).toBeLessThanOrEqual(fx.tolerance);
      expect.soft(run.imageU8MaxDiff[m], label(`8-bit image ${m}`)).toBeLessThanOrEqual(1);
    }
    if (fx.targets.includes('report')) expect.soft(run.tokens, label('greedy tokens')).toEqual(fx.greedyTokens);
  }
}

function annotate(report: ParityReport): void {
  const graphMs = report.graphs.reduce((n, g) => n + g.ms, 0);
  const worst = report.graphs.reduce((w, g) => Math.max(w, g.maxAbsError), 0);
  const runs = report.runs.map((r) => `${r.name} ${(r.ms / 1000).toFixed(1)} s (latent err ${Math.max(...Object.values(r.latentMaxAbs)).toExponential(1)})`);
  test.info().annotations.push({
    type: 'parity',
    description: `${report.runtime}, ${report.backend}, ${report.wasmThreads} thread(s): ${report.graphs.length} graphs in ${(graphMs / 1000).toFixed(1)} s (worst ${worst.toExponential(1)}); ${runs.join('; ')}; total ${(report.totalMs / 1000).toFixed(1)} s`,
  });
  console.log(`[parity] ${test.info().annotations.at(-1)?.description ?? ''}`);
}

test.describe('parity with PyTorch', () => {
  test('finds the PyTorch fixtures of the bundled model in the repo (the parity runs never skip)', () => {
    expect(haveFixtures).toBe(true);
  });

  test('WASM (2 threads, cross-origin isolated): every graph and every whole run', async ({ page, offOrigin }) => {
    test.setTimeout(300_000);
    const graphs = readJson<GraphFixtures>('graphs.json');
    const runs = readJson<RunFixtures>('runs.json');
    const info = await openHooks(page, { preferBackend: 'wasm', wasmThreads: 2 });
    expect(info.crossOriginIsolated).toBe(true);
    expect(info.modelIds).toContain(MODEL_ID);
    const report = await runParity(page, { modelId: MODEL_ID, graphs, runs });
    annotate(report);
    expect(report.backend).toBe('wasm');
    expect(report.crossOriginIsolated).toBe(true);
    expect(report.wasmThreads).toBe(2);
    expectGraphs(report, graphs);
    expectRuns(report, runs, Object.keys(runs.runs), graphs.tolerance);
    expect(report.runs.every((r) => !r.stepGraph && r.keptOnDevice === 0)).toBe(true);
    // The same runs with the updates in latent_step.onnx, the WebGPU path's graph, here on ORT-web's WASM kernels.
    const viaGraph = await runParity(page, { modelId: MODEL_ID, runs, stepGraph: true });
    annotate(viaGraph);
    expect(viaGraph.runs.every((r) => r.stepGraph)).toBe(true);
    expectRuns(viaGraph, runs, Object.keys(runs.runs), graphs.tolerance);
    expect(offOrigin).toEqual([]);
  });

  test('@webgpu WebGPU: every graph and the F>T whole run', async ({ page, browser }) => {
    test.setTimeout(600_000);
    const graphs = readJson<GraphFixtures>('graphs.json');
    const runs = readJson<RunFixtures>('runs.json');
    const info = await openHooks(page, { preferBackend: 'webgpu' });
    expect((info.capabilities as { webgpu?: boolean }).webgpu, 'WebGPU adapter (needs --enable-unsafe-webgpu)').toBe(true);
    const names = ['F>T'].filter((n) => n in runs.runs);
    const report = await runParity(page, { modelId: MODEL_ID, graphs, runs, runNames: names });
    annotate(report);
    // A GPU error would have switched the pool to WASM: the whole check must have stayed on WebGPU.
    expect(report.backend).toBe('webgpu');
    expectRuns(report, runs, names, graphs.tolerance);
    // The report decoder's KV cache stayed on the GPU: gpt2_init's two outputs plus two per gpt2_step (one step per
    // token, and one more when it ends at <EOS>).
    const fToT = report.runs.find((r) => r.name === 'F>T');
    // The denoise loop ran its updates in latent_step and kept ε, the latent, its doubled batch and x0 on the GPU at
    // every step, on top of the KV cache.
    expect(fToT?.stepGraph, 'sampler updates in the latent_step graph').toBe(true);
    const steps = runs.runs['F>T']?.steps ?? 0;
    expect(fToT?.keptOnDevice, 'latents and KV-cache tensors left on the GPU').toBeGreaterThanOrEqual(4 * steps + 2 + 2 * (fToT?.tokens?.length ?? 0));

    // Graphs that are off after the others ran on the same device are checked again alone, on a fresh page (fresh
    // GPU device, so no program compiled by another graph): a graph must match PyTorch at least there; one that
    // matches only there is reported (the WebGPU epsilon cache issue above), not failed.
    for (const g of report.graphs) {
      test.info().annotations.push({ type: 'webgpu-graph-error', description: `${g.graph}: ${g.maxAbsError.toExponential(2)} (target ${graphs.tolerance})` });
    }
    const off = report.graphs.filter((g) => g.problems.length > 0 || !(g.maxAbsError <= graphs.tolerance)).map((g) => g.graph);
    const alone: ParityReport['graphs'][number][] = [];
    for (const graph of off) {
      const context = await browser.newContext();
      try {
        const fresh = await context.newPage();
        await openHooks(fresh, { preferBackend: 'webgpu' });
        const single = await runParity(fresh, { modelId: MODEL_ID, graphs, graphNames: [graph] });
        expect(single.backend).toBe('webgpu');
        alone.push(...single.graphs);
      } finally {
        await context.close();
      }
    }
    const retried = report.graphs.map((g) => alone.find((a) => a.graph === g.graph) ?? g);
    expectGraphs({ ...report, graphs: retried }, graphs, WEBGPU_HINT);
    for (const a of alone.filter((g) => g.maxAbsError <= graphs.tolerance)) {
      const seq = report.graphs.find((g) => g.graph === a.graph);
      const note = `${a.graph}: ${seq?.maxAbsError.toExponential(2) ?? '?'} after other graphs on the same GPU device, ${a.maxAbsError.toExponential(2)} alone (onnxruntime WebGPU InstanceNormalization epsilon cache; see WEBGPU_HINT)`;
      test.info().annotations.push({ type: 'webgpu-known-issue', description: note });
      console.log(`[parity] ${note}`);
    }
  });
});
