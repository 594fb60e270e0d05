/**
 * @file Command line of the batch CLI → validated options. Pure (no fs), so it is unit-tested; every problem is a
 * sentence that names the flag.
 */
import { DIRECTIONS, type Direction } from '../src/contracts/modality';
import { MAX_REPORT_CANDIDATES } from '../src/domain/compose-request';
import { WHOLE_RUN, parseShard, type Shard } from './batch-plan';

export interface GenerateOptions {
  readonly command: 'generate';
  readonly manifest: string;
  readonly modelId: string | undefined;
  readonly variant: string | undefined;
  readonly backend: 'cpu' | 'webgpu';
  readonly threads: number;
  readonly direction: Direction;
  readonly count: number;
  readonly shard: Shard;
  readonly seed: number;
  readonly steps: number | undefined;
  readonly guidance: number | undefined;
  readonly sampler: 'ddim' | 'dpmpp-2m';
  /** Directions with a report output: keep the consensus of this many sampled reports (1: a single sample). */
  readonly reportCandidates: number;
  readonly out: string;
  readonly prompts: readonly string[];
  readonly promptsFile: string | undefined;
  readonly inputFrontal: string | undefined;
  readonly inputLateral: string | undefined;
  readonly dicom: boolean;
  readonly classify: boolean;
  /** ISO date written into provenance; fixed per run so that shards agree (defaults to today, UTC). */
  readonly runDate: string;
}

export interface MergeOptions {
  readonly command: 'merge';
  readonly out: string;
  readonly sources: readonly string[];
}

export interface VerifyOptions {
  readonly command: 'verify';
  readonly out: string;
  readonly count: number | undefined;
}

export type CliOptions = GenerateOptions | MergeOptions | VerifyOptions | { readonly command: 'help' };

export const USAGE = `MedCoDi batch CLI: synthetic chest X-ray cases with the studio's engine on onnxruntime-node.

  medcodi-batch generate --direction T>F --count 100 --seed 7 --out runs/a [options]
  medcodi-batch merge --out runs/all runs/shard-1 runs/shard-2 ...
  medcodi-batch verify --out runs/all [--count 100]

generate options
  --model PATH          models-manifest.json (default ./models-manifest.json)
  --model-id ID         model in the manifest (default: the first)
  --variant ID          weights variant (default: the best for the backend)
  --backend cpu|webgpu  onnxruntime-node execution provider (default cpu)
  --threads N           intra-op threads (default: all cores)
  --direction D         one of ${DIRECTIONS.map((d) => d.id).join(', ')}
  --count N             number of cases in the whole run (all shards together)
  --shard k/N           run only cases i with i % N == k-1 (default 1/1)
  --seed S              run seed, 0…4294967295; case i uses a seed derived from (S, i)
  --steps N, --guidance G, --sampler ddim|dpmpp-2m   sampling (default: the manifest's)
  --report-candidates N directions with a report output: sample N reports per case (seeds s, s+1, …) and keep
                        the one whose findings agree most with the others (1…16, default 1)
  --prompt TEXT         report prompt (repeatable; cycled by case index)
  --prompts FILE        one report prompt per line
  --input-frontal PATH, --input-lateral PATH   image file or folder (PNG/TIFF/DICOM; cycled by case index)
  --dicom               also write DICOM Secondary Captures (deterministic UIDs)
  --no-classify         skip the phantom classifier / labeler findings
  --run-date YYYY-MM-DD provenance date, identical for every shard of a run (default: today, UTC)
  --out DIR             output folder; re-running resumes (finished, verified cases are skipped)`;

function take(argv: string[], i: number, flag: string): string {
  const value = argv[i + 1];
  if (value === undefined || value.startsWith('--')) throw new Error(`${flag} needs a value.`);
  return value;
}

function wholeNumber(text: string, flag: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || !(n >= min && n <= max)) throw new Error(`${flag} must be a whole number from ${min} to ${max}, got "${text}".`);
  return n;
}

export function todayUtc(now = new Date()): string {
  return now.toISOString().slice(0, 10);
}

/** @throws Error with a sentence naming the flag */
export function parseCliArgs(argv: readonly string[], now = new Date()): CliOptions {
  const args = [...argv];
  const command = args.shift();
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') return { command: 'help' };
  if (command !== 'generate' && command !== 'merge' && command !== 'verify') throw new Error(`Unknown command "${command}". Use generate, merge or verify.`);
  const values = new Map<string, string[]>();
  const flags = new Set<string>();
  const positional: string[] = [];
  const valueFlags = new Set(['--model', '--model-id', '--variant', '--backend', '--threads', '--direction', '--count', '--shard', '--seed', '--steps', '--guidance', '--sampler', '--report-candidates', '--prompt', '--prompts', '--input-frontal', '--input-lateral', '--run-date', '--out']);
  const booleanFlags = new Set(['--dicom', '--no-classify']);
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] as string;
    if (valueFlags.has(arg)) {
      values.set(arg, [...(values.get(arg) ?? []), take(args, i, arg)]);
      i += 1;
    } else if (booleanFlags.has(arg)) flags.add(arg);
    else if (arg.startsWith('--')) throw new Error(`Unknown option ${arg}. Run "medcodi-batch help" for the list.`);
    else positional.push(arg);
  }
  const one = (flag: string) => values.get(flag)?.at(-1);
  const out = one('--out');
  if (!out) throw new Error('--out DIR is required.');

  if (command === 'merge') {
    if (positional.length === 0) throw new Error('merge needs the shard folders to merge, after the options.');
    return { command, out, sources: positional };
  }
  const countText = one('--count');
  if (command === 'verify') return { command, out, count: countText ? wholeNumber(countText, '--count', 1) : undefined };

  const directionText = one('--direction');
  if (!directionText) throw new Error('--direction is required (e.g. T>F).');
  const direction = DIRECTIONS.find((d) => d.id === directionText.replace(/\s/g, '').toUpperCase());
  if (!direction) throw new Error(`--direction "${directionText}" is not one of ${DIRECTIONS.map((d) => d.id).join(', ')}.`);
  if (!countText) throw new Error('--count N is required.');
  const backend = one('--backend') ?? 'cpu';
  if (backend !== 'cpu' && backend !== 'webgpu') throw new Error(`--backend must be cpu or webgpu, got "${backend}".`);
  const sampler = one('--sampler') ?? 'ddim';
  if (sampler !== 'ddim' && sampler !== 'dpmpp-2m') throw new Error(`--sampler must be ddim or dpmpp-2m, got "${sampler}".`);
  const guidanceText = one('--guidance');
  const guidance = guidanceText === undefined ? undefined : Number(guidanceText);
  if (guidance !== undefined && !(guidance >= 0 && guidance <= 50)) throw new Error(`--guidance must be a number from 0 to 50, got "${guidanceText}".`);
  const runDate = one('--run-date') ?? todayUtc(now);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(runDate) || Number.isNaN(new Date(`${runDate}T00:00:00Z`).getTime())) throw new Error(`--run-date must be YYYY-MM-DD, got "${runDate}".`);
  const stepsText = one('--steps');
  const threadsText = one('--threads');
  const candidatesText = one('--report-candidates');
  const reportCandidates = candidatesText ? wholeNumber(candidatesText, '--report-candidates', 1, MAX_REPORT_CANDIDATES) : 1;
  if (reportCandidates > 1 && !direction.outputs.includes('report')) {
    throw new Error(`--report-candidates applies to directions with a report output; ${direction.id} has none.`);
  }
  return {
    command,
    manifest: one('--model') ?? 'models-manifest.json',
    modelId: one('--model-id'),
    variant: one('--variant'),
    backend,
    threads: threadsText ? wholeNumber(threadsText, '--threads', 1, 256) : 0,
    direction,
    count: wholeNumber(countText, '--count', 1, 10_000_000),
    shard: one('--shard') ? parseShard(one('--shard') as string) : WHOLE_RUN,
    seed: wholeNumber(one('--seed') ?? '0', '--seed', 0, 0xffffffff),
    steps: stepsText ? wholeNumber(stepsText, '--steps', 1, 1000) : undefined,
    guidance,
    sampler,
    reportCandidates,
    out,
    prompts: values.get('--prompt') ?? [],
    promptsFile: one('--prompts'),
    inputFrontal: one('--input-frontal'),
    inputLateral: one('--input-lateral'),
    dicom: flags.has('--dicom'),
    classify: !flags.has('--no-classify'),
    runDate,
  };
}
