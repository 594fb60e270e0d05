/**
 * Parity with PyTorch (issue 3 "Proof"): the toolchain's fixtures (e2e/fixtures/parity/<model>/, written by
 * toolchain/medcodi/fixtures.py) replayed through the real engine with onnxruntime-node (CPU):
 * - every graph's outputs vs graphs.json (≤ its tolerance, 1e-4);
 * - the whole 50-step runs of runs.json (T>F, F>T, T>F+L) through tokenizer → clip_text / CLIP preprocessing →
 *   clip_vision → mixing → guidance → TS DDIM with the recorded noise replayed per stream → decoders: latents and
 *   images ≤ the run tolerance (1e-3), greedy tokens and CLIP ids equal, CLIP pixel values ≤ 1e-6.
 * Works for any model meeting docs/model-contract.md whose fixtures match its export; skipped while the model
 * or its fixtures are absent.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { GraphFixtures, ParityReport, RunFixtures } from '../../src/contracts/parity';
import { createNodeEngine, modelReady, parityFixtureDir } from '../../scripts/node-engine';
import type { Engine } from '../engine';

const MODEL_ID = 'medcodi-nano';
const DIR = parityFixtureDir(MODEL_ID);
const ready = modelReady(MODEL_ID) && existsSync(resolve(DIR, 'graphs.json')) && existsSync(resolve(DIR, 'runs.json'));
const readJson = <T,>(name: string): T => JSON.parse(readFileSync(resolve(DIR, name), 'utf8')) as T;

describe('parity with PyTorch (onnxruntime-node CPU)', () => {
  it('finds the bundled model and its PyTorch fixtures in the repo (the suite never skips)', () => {
    expect(ready).toBe(true);
  });

  let engine: Engine;
  let graphs: GraphFixtures;
  let runs: RunFixtures;

  beforeAll(async () => {
    graphs = readJson<GraphFixtures>('graphs.json');
    runs = readJson<RunFixtures>('runs.json');
    engine = await createNodeEngine(2);
  }, 60_000);

  it('every graph matches PyTorch', async () => {
    const report: ParityReport = await engine.runParity({ modelId: MODEL_ID, graphs });
    expect(report.graphs.map((g) => g.graph).sort()).toEqual(Object.keys(graphs.graphs).sort());
    const tolerance = graphs.tolerance;
    for (const g of report.graphs) {
      expect(g.problems, g.graph).toEqual([]);
      expect(g.maxAbsError, `${g.graph} ${JSON.stringify(g.outputs)}`).toBeLessThanOrEqual(tolerance);
    }
  }, 120_000);

  describe.each(Object.keys(ready ? readJson<RunFixtures>('runs.json').runs : {}))('whole run %s', (name) => {
    // stepGraph: the sampler updates in JavaScript (what WASM jobs do), or in latent_step.onnx (what WebGPU jobs do,
    // here on the CPU, where every tensor comes back: the same arithmetic, only the GPU residency is untested).
    it.each([false, true])('reproduces the PyTorch run (step graph: %s)', async (stepGraph) => {
      const fx = runs.runs[name]!;
      const report = await engine.runParity({ modelId: MODEL_ID, runs, runNames: [name], stepGraph });
      const run = report.runs[0]!;
      expect(run.stepGraph).toBe(stepGraph);
      expect(run.name).toBe(name);
      expect(run.problems).toEqual([]);
      expect(run.noiseProblems).toEqual([]);
      if ('report' in fx.inputs) expect(run.clipIdsEqual).toBe(true);
      if ('frontal' in fx.inputs || 'lateral' in fx.inputs) expect(run.clipPixelMaxAbs).toBeLessThanOrEqual(1e-6);
      expect(Object.keys(run.conditionMaxAbs).sort()).toEqual(Object.keys(fx.conditions).sort());
      for (const [m, err] of Object.entries(run.conditionMaxAbs)) expect(err, `condition ${m}`).toBeLessThanOrEqual(graphs.tolerance);
      expect(Object.keys(run.latentMaxAbs).sort()).toEqual([...fx.targets].sort());
      for (const [m, err] of Object.entries(run.latentMaxAbs)) expect(err, `latent ${m}`).toBeLessThanOrEqual(fx.tolerance);
      for (const m of fx.targets.filter((t) => t !== 'report')) {
        expect(run.imageMaxAbs[m], `image ${m}`).toBeLessThanOrEqual(fx.tolerance);
        // The 8-bit output may differ by one grey level where a value sits on a rounding boundary.
        expect(run.imageU8MaxDiff[m], `8-bit image ${m}`).toBeLessThanOrEqual(1);
      }
      if (fx.targets.includes('report')) {
        expect(run.tokens).toEqual(fx.greedyTokens);
        expect(run.tokensEqual).toBe(true);
      }
    }, 180_000);
  });
});
