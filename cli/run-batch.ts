/**
 * @file `generate`: runs the cases of one shard through the engine and writes each case's marked PNGs (and
 * DICOMs), report text and case JSON. Resumable: finished, intact cases are skipped. See batch-plan.ts for why
 * shards merge to exactly the unsharded run.
 */
import { existsSync } from 'node:fs';
import { appendFile, mkdir, readFile, readdir } from 'node:fs/promises';
import { dirname, extname, join, resolve } from 'node:path';
import type { ConditionInput, GenerationRequest, GreyImage } from '../src/contracts/job';
import type { ModelEntry } from '../src/contracts/manifest-schema';
import { parseManifest } from '../src/contracts/manifest-schema';
import type { ImageModality, Modality } from '../src/contracts/modality';
import { decodeImport, importedToGrey } from '../src/domain/io/decode-import';
import { uidFromKey } from '../src/domain/io/dicom-uid';
import { syntheticDicom } from '../src/domain/io/export-dicom';
import { syntheticPng } from '../src/domain/io/export-png';
import { toModelInput } from '../src/domain/io/model-input';
import { labelsToBinary } from '../src/domain/labeler';
import { labelPhantomReport, phantomRules } from '../src/domain/labeler-rules';
import { runWithReportConsensus } from '../src/domain/report-consensus';
import { recordFromResult, reportExportText, type ResultRecord } from '../src/domain/result-record';
import type { Engine } from '../workers/engine';
import type { GenerateOptions } from './batch-args';
import { caseDicomFile, caseId, caseJsonFile, caseOutputFile, caseSeed, pickForCase, shardCases } from './batch-plan';
import { isCaseDone, sha256, writeAtomic, type CaseFileEntry } from './case-files';
import { createNodeEngine } from './node-engine';

export interface BatchReport {
  readonly planned: number;
  readonly generated: number;
  readonly skipped: number;
  readonly seconds: number;
  /** Generated cases per minute of wall time (skipped cases not counted). */
  readonly casesPerMinute: number;
}

export interface BatchDeps {
  /** An initialised engine (tests share one); otherwise one is created from the manifest. */
  readonly engine?: Engine;
  readonly log?: (line: string) => void;
}

const IMAGE_EXTENSIONS = new Set(['.png', '.tif', '.tiff', '.dcm', '.dicom']);

async function listInputs(path: string | undefined, what: string): Promise<string[]> {
  if (!path) throw new Error(`This direction needs a ${what} image: pass --input-${what} FILE or FOLDER.`);
  const absolute = resolve(path);
  if (!existsSync(absolute)) throw new Error(`--input-${what} ${path} does not exist.`);
  if (extname(absolute) !== '' && IMAGE_EXTENSIONS.has(extname(absolute).toLowerCase())) return [absolute];
  const files = (await readdir(absolute)).filter((f) => IMAGE_EXTENSIONS.has(extname(f).toLowerCase())).sort();
  if (files.length === 0) throw new Error(`--input-${what} ${path} holds no PNG, TIFF or DICOM files.`);
  return files.map((f) => join(absolute, f));
}

async function loadPrompts(options: GenerateOptions): Promise<string[]> {
  const prompts = [...options.prompts];
  if (options.promptsFile) prompts.push(...(await readFile(options.promptsFile, 'utf8')).split(/\r?\n/).map((l) => l.trim()).filter(Boolean));
  if (prompts.length > 0) return prompts;
  // Default: the bundled phantom example reports (synthetic, no patient), so `generate --direction T>F` just works.
  const examples = resolve(dirname(resolve(options.manifest)), 'public', 'examples', 'cases.json');
  if (existsSync(examples)) {
    const cases = JSON.parse(await readFile(examples, 'utf8')) as { report?: unknown }[];
    const reports = cases.map((c) => c.report).filter((r): r is string => typeof r === 'string' && r.trim() !== '');
    if (reports.length > 0) return reports;
  }
  throw new Error('This direction needs report prompts: pass --prompt TEXT or --prompts FILE.');
}

/** The run's identity: everything that decides the bytes of the cases, and nothing that differs between shards. */
function runConfig(options: GenerateOptions, model: ModelEntry, prompts: readonly string[], inputs: Record<string, string[]>) {
  return {
    format: 'medcodi-batch-run',
    formatVersion: 1,
    synthetic: true,
    model: { id: model.id, version: model.version },
    variant: options.variant ?? null,
    direction: options.direction.id,
    count: options.count,
    seed: options.seed,
    steps: options.steps ?? model.sampling.steps,
    guidanceScale: options.guidance ?? model.sampling.guidanceScale,
    sampler: options.sampler,
    runDate: options.runDate,
    promptsSha256: sha256(JSON.stringify(prompts)),
    inputs: Object.fromEntries(Object.entries(inputs).map(([k, files]) => [k, files.map((f) => f.split(/[\\/]/).at(-1))])),
    dicom: options.dicom,
    classify: options.classify,
    // Only when used, so run folders written before the option existed still resume.
    ...(options.reportCandidates > 1 ? { reportCandidates: options.reportCandidates } : {}),
  };
}

async function checkRunFile(out: string, config: object): Promise<void> {
  const path = join(out, 'run.json');
  const text = `${JSON.stringify(config, null, 2)}\n`;
  if (!existsSync(path)) {
    await writeAtomic(path, text);
    return;
  }
  if ((await readFile(path, 'utf8')) !== text) {
    throw new Error(`${out} already holds a different run (run.json differs). Use another --out, or the same options as before to resume.`);
  }
}

/** An input image file (PNG, TIFF, DICOM) as the model takes it: grey, `size` px. */
export async function inputImage(file: string, size: number): Promise<GreyImage> {
  const imported = await decodeImport(new Uint8Array(await readFile(file)), file.split(/[\\/]/).at(-1) ?? file);
  return toModelInput(importedToGrey(imported), size);
}

/** Runs one shard of a batch. */
export async function runBatch(options: GenerateOptions, deps: BatchDeps = {}): Promise<BatchReport> {
  const log = deps.log ?? ((line: string) => console.log(line));
  const manifest = parseManifest(JSON.parse(await readFile(options.manifest, 'utf8')));
  const model = options.modelId ? manifest.models.find((m) => m.id === options.modelId) : manifest.models[0];
  if (!model) throw new Error(`--model-id ${options.modelId} is not in ${options.manifest}.`);
  const direction = options.direction;
  const prompts = direction.inputs.includes('report') ? await loadPrompts(options) : [];
  const inputFiles: Record<string, string[]> = {};
  for (const m of direction.inputs) if (m !== 'report') inputFiles[m] = await listInputs(m === 'frontal' ? options.inputFrontal : options.inputLateral, m);

  const out = resolve(options.out);
  await mkdir(out, { recursive: true });
  const config = runConfig(options, model, prompts, inputFiles);
  await checkRunFile(out, config);
  const runKey = sha256(JSON.stringify(config));
  const engine = deps.engine ?? (await createNodeEngine(options.manifest, { backend: options.backend, threads: options.threads })).engine;
  const hasClassifier = model.components.some((c) => c.name === 'phantom_classifier') && options.classify;

  const cases = shardCases(options.count, options.shard);
  const logFile = join(out, 'logs', `shard-${options.shard.index}-of-${options.shard.count}.jsonl`);
  await mkdir(dirname(logFile), { recursive: true });
  const started = performance.now();
  let generated = 0;
  let skipped = 0;
  for (const index of cases) {
    if (await isCaseDone(out, index)) {
      skipped += 1;
      continue;
    }
    const caseStarted = performance.now();
    const seed = caseSeed(options.seed, index);
    const prompt = prompts.length > 0 ? pickForCase(prompts, index) : undefined;
    const inputs: ConditionInput[] = [];
    const inputSources: Partial<Record<Modality, string>> = {};
    for (const m of direction.inputs) {
      if (m === 'report') inputs.push({ modality: 'report', weight: 1, text: prompt as string });
      else {
        const file = pickForCase(inputFiles[m] as string[], index);
        inputSources[m] = file.split(/[\\/]/).at(-1) ?? file;
        inputs.push({ modality: m, weight: 1, image: await inputImage(file, model.imageSize) });
      }
    }
    const request: GenerationRequest = {
      jobId: caseId(index),
      modelId: model.id,
      ...(options.variant ? { variant: options.variant } : {}),
      inputs,
      outputs: direction.outputs,
      settings: {
        steps: config.steps,
        guidanceScale: config.guidanceScale,
        seed,
        sampler: options.sampler,
        eta: model.sampling.eta,
        previewEvery: 0,
        temperature: 1,
        topP: 1,
        maxTokens: 100,
      },
    };
    let candidate = 0;
    const { kept: result, consensus } = await runWithReportConsensus(request, options.reportCandidates, {
      runJob: (r) => engine.generate(r, () => undefined),
      newJobId: () => `${caseId(index)}-candidate-${(candidate += 1)}`,
      rules: phantomRules(),
      now: () => 0, // no wall-clock time in the files: shards must write identical bytes
    });
    // Provenance time is the run date, not the wall clock, so every shard writes identical bytes.
    const record: ResultRecord = {
      ...recordFromResult(result),
      createdAt: `${options.runDate}T00:00:00.000Z`,
      timings: { totalMs: 0, sessionRunMs: 0, stepsRun: config.steps },
      ...(consensus ? { consensus } : {}),
    };
    const files: CaseFileEntry[] = [];
    const write = async (path: string, bytes: Uint8Array | string) => {
      await writeAtomic(join(out, path), bytes);
      files.push({ path, sha256: sha256(bytes), bytes: typeof bytes === 'string' ? Buffer.byteLength(bytes) : bytes.length });
    };
    const findings: Record<string, unknown> = {};
    for (const output of direction.outputs) {
      if (output === 'report') {
        await write(caseOutputFile(index, direction.id, 'report'), reportExportText(record));
        findings['reportLabels'] = labelsToBinary(labelPhantomReport(record.outputs.report ?? '').labels);
        continue;
      }
      const modality = output as ImageModality;
      await write(caseOutputFile(index, direction.id, modality), syntheticPng(record, modality, prompt !== undefined ? { prompt } : {}).bytes);
      if (options.dicom) {
        const key = `${runKey}/${index}`;
        const dicom = syntheticDicom(record, modality, {
          ...(prompt !== undefined ? { prompt } : {}),
          studyInstanceUid: await uidFromKey(`${key}/study`),
          seriesInstanceUid: await uidFromKey(`${key}/${modality}/series`),
          sopInstanceUid: await uidFromKey(`${key}/${modality}/instance`),
          patientId: `SYN-${sha256(key).slice(0, 12).toUpperCase()}`,
        });
        await write(caseDicomFile(index, direction.id, modality), dicom.bytes);
      }
      if (hasClassifier) {
        const image = record.outputs[modality] as GreyImage;
        const classified = await engine.classify(model.id, image);
        findings[`${modality}Classifier`] = Object.fromEntries(classified.labels.map((l, k) => [l, Math.round((classified.probs[k] ?? 0) * 1e4) / 1e4]));
      }
    }
    if (prompt !== undefined) findings['promptLabels'] = labelsToBinary(labelPhantomReport(prompt).labels);
    const caseRecord = {
      format: 'medcodi-batch-case',
      formatVersion: 1,
      synthetic: true,
      notice: 'SYNTHETIC CASE generated by MedCoDi-M: not a real patient, not for diagnosis.',
      caseIndex: index,
      caseId: caseId(index),
      seed,
      model: { id: record.modelId, version: record.modelVersion, variant: record.variant, backend: record.backend },
      direction: direction.id,
      settings: record.settings,
      ...(prompt !== undefined ? { prompt } : {}),
      inputs: record.inputs.map((i) => ({ ...i, ...(inputSources[i.modality] ? { source: inputSources[i.modality] } : {}) })),
      report: record.outputs.report ?? null,
      ...(consensus ? { reportConsensus: { seeds: consensus.seeds, chosen: consensus.chosen, agreement: consensus.agreement, reports: consensus.reports } } : {}),
      findings,
      files,
    };
    await writeAtomic(join(out, caseJsonFile(index)), `${JSON.stringify(caseRecord, null, 2)}\n`);
    generated += 1;
    const ms = performance.now() - caseStarted;
    await appendFile(logFile, `${JSON.stringify({ caseIndex: index, ms: Math.round(ms), sessionRunMs: Math.round(result.timings.sessionRunMs) })}\n`);
    log(`${caseId(index)} seed ${seed} done in ${(ms / 1000).toFixed(1)} s (${generated + skipped}/${cases.length})`);
  }
  const seconds = (performance.now() - started) / 1000;
  return { planned: cases.length, generated, skipped, seconds, casesPerMinute: generated > 0 ? (generated * 60) / seconds : 0 };
}
