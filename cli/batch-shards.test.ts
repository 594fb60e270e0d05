/**
 * The real nano model through the batch runner (onnxruntime-node): two shards merged equal the unsharded run
 * byte for byte (PNGs, DICOMs, reports, case JSON), and an interrupted run resumes only what is missing.
 * Skipped while the model files are absent.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../workers/engine';
import { parseCliArgs, type GenerateOptions } from './batch-args';
import { mergeShards, verifyRun } from './merge-verify';
import { createNodeEngine } from './node-engine';
import { inputImage, runBatch } from './run-batch';

const ROOT = resolve(import.meta.dirname, '..');
const MANIFEST = resolve(ROOT, 'models-manifest.json');
const ready = existsSync(MANIFEST) && existsSync(resolve(ROOT, 'public/models/medcodi-nano'));

function listFiles(dir: string): string[] {
  return readdirSync(dir).filter((f) => f !== 'logs').sort();
}

describe('batch CLI shards (real nano model)', () => {
  it('finds the bundled model in the repo (the suite never skips)', () => {
    expect(ready).toBe(true);
  });

  let engine: Engine;
  let work: string;
  const quiet = () => undefined;
  const options = (out: string, extra: string[] = []) =>
    parseCliArgs(['generate', '--model', MANIFEST, '--direction', 'T>F+L', '--count', '4', '--seed', '11', '--steps', '4', '--dicom', '--run-date', '2026-11-27', '--out', out, ...extra]) as GenerateOptions;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'medcodi-batch-'));
    engine = (await createNodeEngine(MANIFEST, { backend: 'cpu', threads: 2 })).engine;
  }, 120_000);
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('merges two shards into exactly the unsharded run', async () => {
    const whole = join(work, 'whole');
    const report = await runBatch(options(whole), { engine, log: quiet });
    expect(report).toMatchObject({ planned: 4, generated: 4, skipped: 0 });
    const s1 = await runBatch(options(join(work, 's1'), ['--shard', '1/2']), { engine, log: quiet });
    const s2 = await runBatch(options(join(work, 's2'), ['--shard', '2/2']), { engine, log: quiet });
    expect([s1.generated, s2.generated]).toEqual([2, 2]);
    // Disjoint: no case file appears in both shard folders.
    const shardCases = (dir: string) => listFiles(dir).filter((f) => f !== 'run.json');
    expect(shardCases(join(work, 's1')).filter((f) => shardCases(join(work, 's2')).includes(f))).toEqual([]);

    const merged = join(work, 'merged');
    await mergeShards(merged, [join(work, 's1'), join(work, 's2')], quiet);
    expect(listFiles(merged)).toEqual(listFiles(whole));
    expect(listFiles(whole).length).toBe(1 + 4 * (1 + 2 + 2)); // run.json + per case: JSON, 2 PNG, 2 DICOM
    for (const f of listFiles(whole)) expect(readFileSync(join(merged, f)).equals(readFileSync(join(whole, f))), f).toBe(true);
    expect((await verifyRun(merged, 4, quiet)).ok).toBe(true);
  }, 300_000);

  it('resumes: only the damaged or missing case is generated again, to the same bytes', async () => {
    const whole = join(work, 'whole');
    const png = join(whole, 'synthetic_case-000002_T-to-L.png');
    const before = readFileSync(png);
    writeFileSync(png, 'damaged');
    unlinkSync(join(whole, 'synthetic_case-000003.json'));
    expect((await verifyRun(whole, 4, quiet)).ok).toBe(false);
    const report = await runBatch(options(whole), { engine, log: quiet });
    expect(report).toMatchObject({ generated: 2, skipped: 2 });
    expect(readFileSync(png).equals(before)).toBe(true);
    expect((await verifyRun(whole, 4, quiet)).ok).toBe(true);
  }, 300_000);

  it('F→T with --report-candidates keeps each case\'s consensus report, reproducible from the kept seed alone', async () => {
    const frontal = resolve(ROOT, 'public/examples/phantom-01_frontal.png');
    const args = ['generate', '--model', MANIFEST, '--direction', 'F>T', '--count', '2', '--seed', '5', '--steps', '3', '--no-classify', '--run-date', '2026-11-27', '--input-frontal', frontal];
    const out = join(work, 'consensus');
    const imageSize = (JSON.parse(readFileSync(MANIFEST, 'utf8')) as { models: { imageSize: number }[] }).models[0]?.imageSize ?? 0;
    await runBatch(parseCliArgs([...args, '--report-candidates', '3', '--out', out]) as GenerateOptions, { engine, log: quiet });
    expect(JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')).reportCandidates).toBe(3);
    for (const index of [0, 1]) {
      const c = JSON.parse(readFileSync(join(out, `synthetic_case-00000${index}.json`), 'utf8'));
      const { seeds, chosen, reports } = c.reportConsensus;
      expect(seeds).toEqual([c.seed, c.seed + 1, c.seed + 2]);
      expect(c.settings.seed).toBe(seeds[chosen]);
      expect(c.report).toBe(reports[chosen]);
      // The kept candidate is an ordinary job with its own seed.
      const alone = await engine.generate({ jobId: `alone-${index}`, modelId: c.model.id, inputs: [{ modality: 'frontal', weight: 1, image: await inputImage(frontal, imageSize) }], outputs: ['report'], settings: c.settings }, () => undefined);
      expect(alone.outputs.report).toBe(c.report);
    }
    expect((await verifyRun(out, 2, quiet)).ok).toBe(true);
  }, 300_000);

  it('refuses to mix runs in one folder and to merge shards of different runs', async () => {
    await expect(runBatch(options(join(work, 'whole'), ['--seed', '12']), { engine, log: quiet })).rejects.toThrow(/already holds a different run/);
    const other = join(work, 'other');
    await runBatch(parseCliArgs(['generate', '--model', MANIFEST, '--direction', 'T>F', '--count', '1', '--seed', '1', '--steps', '1', '--no-classify', '--run-date', '2026-11-27', '--out', other]) as GenerateOptions, { engine, log: quiet });
    await expect(mergeShards(join(work, 'mixed'), [join(work, 's1'), other], quiet)).rejects.toThrow(/different run/);
  }, 120_000);
});
