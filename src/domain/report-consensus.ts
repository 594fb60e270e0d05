/**
 * @file Consensus of several sampled reports (the "Report candidates" setting): minimum-Bayes-risk selection with
 * the labeler's findings as the yardstick. Each candidate's binary labels (labelsToBinary) are compared with every
 * other candidate's; the candidate that agrees on the most labels, summed over the others, is kept, ties going to
 * the earliest (the lowest seed). It picks the most typical report the model writes for the inputs, and never looks
 * at anything but the candidates themselves. The toolchain's `medcodi.evaluate --report-candidates` does the same
 * (`consensus_index`), and measured what it buys on the nano model (README, Model quality).
 */
import type { GenerationRequest, JobResult } from '../contracts/job';
import { MAX_SEED } from './limits';
import { labelsToBinary, labelReport, type CompiledRules } from './labeler';
import type { ReportConsensus } from './result-record';

export interface ConsensusPick {
  /** Index of the kept candidate. */
  readonly index: number;
  /** Per candidate: the share of (other candidate, label) pairs it agrees on, 0–1 (1 for a lone candidate). */
  readonly agreement: readonly number[];
}

/** Picks the consensus among binary label vectors over `labels` (a missing label counts as 0). */
export function pickConsensus(candidates: readonly Readonly<Record<string, 0 | 1>>[], labels: readonly string[]): ConsensusPick {
  if (candidates.length === 0) throw new Error('pickConsensus: no candidates');
  const pairs = (candidates.length - 1) * labels.length;
  const agreement = candidates.map((a, k) => {
    if (pairs === 0) return 1;
    let agree = 0;
    candidates.forEach((b, j) => {
      if (j === k) return;
      for (const label of labels) if ((a[label] ?? 0) === (b[label] ?? 0)) agree++;
    });
    return agree / pairs;
  });
  let index = 0;
  agreement.forEach((score, k) => {
    if (score > (agreement[index] as number)) index = k;
  });
  return { index, agreement };
}

/** Labels each report with `rules` and picks the consensus. */
export function pickConsensusReport(reports: readonly string[], rules: CompiledRules): ConsensusPick {
  return pickConsensus(reports.map((r) => labelsToBinary(labelReport(r, rules).labels)), rules.rules.labels);
}

const percent = (x: number) => `${Math.round(100 * x)}%`;

/** One line for the result view: "Consensus of 5 reports (seeds 7–11): kept seed 9, whose findings agree with the
 * others on 93% of labels (candidates 60%–93%)." */
export function describeConsensus(consensus: ReportConsensus): string {
  const { seeds, chosen, agreement } = consensus;
  const first = seeds[0];
  const last = seeds[seeds.length - 1];
  const range = seeds.every((s, k) => k === 0 || s === (seeds[k - 1] as number) + 1) ? `${first}–${last}` : seeds.join(', ');
  const low = Math.min(...agreement);
  const high = Math.max(...agreement);
  return `Consensus of ${seeds.length} reports (seeds ${range}): kept seed ${seeds[chosen]}, whose findings agree with the others on ${percent(agreement[chosen] ?? 0)} of labels (candidates ${percent(low)}–${percent(high)}).`;
}

export interface FindingVote {
  readonly label: string;
  /** Candidates whose report has the finding (positive or uncertain, as labelsToBinary counts). */
  readonly positives: number;
  readonly candidates: number;
}

/** Per finding, how many candidate reports state it: the model's own uncertainty about the inputs. Findings no
 * candidate states are left out; the most frequent come first (ties in the rules' label order). */
export function findingVotes(reports: readonly string[], rules: CompiledRules): FindingVote[] {
  const binary = reports.map((r) => labelsToBinary(labelReport(r, rules).labels));
  return rules.rules.labels
    .map((label) => ({ label, positives: binary.filter((b) => b[label] === 1).length, candidates: reports.length }))
    .filter((v) => v.positives > 0)
    .sort((a, b) => b.positives - a.positives);
}

/** Seeds of `count` candidates starting at `seed` (s, s+1, …, wrapping at 2^32). */
export function candidateSeeds(seed: number, count: number): number[] {
  return Array.from({ length: count }, (_, k) => (seed + k) % (MAX_SEED + 1));
}

export interface ConsensusRun {
  /** The kept candidate's result (the only one when no consensus was asked for). */
  readonly kept: JobResult;
  /** How it was kept; absent for a single candidate or a job without a report output. */
  readonly consensus?: ReportConsensus;
}

/** How many candidates a request runs: `requested` (at least 1) when it has a report output, otherwise 1. */
export function candidateCount(request: Pick<GenerationRequest, 'outputs'>, requested: number): number {
  return request.outputs.includes('report') ? Math.max(1, Math.floor(requested)) : 1;
}

/**
 * Runs `request` as `count` candidates (seeds s, s+1, …; candidate 0 is `request` itself, the others get `newJobId()`)
 * one after another and keeps the consensus report's result. A request without a report output, or `count` 1, runs
 * once. `onCandidate` hears each candidate's job id before it starts. A failure or cancel of any candidate rejects.
 */
export async function runWithReportConsensus(
  request: GenerationRequest,
  count: number,
  deps: {
    readonly runJob: (request: GenerationRequest) => Promise<JobResult>;
    readonly newJobId: () => string;
    readonly rules: CompiledRules;
    readonly onCandidate?: (index: number, jobId: string) => void;
    readonly now?: () => number;
  },
): Promise<ConsensusRun> {
  const n = candidateCount(request, count);
  const now = deps.now ?? (() => performance.now());
  const started = now();
  const seeds = candidateSeeds(request.settings.seed, n);
  const results: JobResult[] = [];
  for (let k = 0; k < n; k++) {
    const candidate: GenerationRequest = k === 0 ? request : { ...request, jobId: deps.newJobId(), settings: { ...request.settings, seed: seeds[k] as number } };
    deps.onCandidate?.(k, candidate.jobId);
    results.push(await deps.runJob(candidate));
  }
  if (n === 1) return { kept: results[0] as JobResult };
  const reports = results.map((r) => r.outputs.report ?? '');
  const pick = pickConsensusReport(reports, deps.rules);
  return {
    kept: results[pick.index] as JobResult,
    consensus: { seeds, chosen: pick.index, agreement: pick.agreement, totalMs: now() - started, reports },
  };
}
