/**
 * @file Consensus of several sampled reports (the "Report candidates" setting): minimum-Bayes-risk selection with
 * the labeler's findings as the yardstick. Each candidate's binary labels (labelsToBinary) are compared with every
 * other candidate's; the candidate that agrees on the most labels, summed over the others, is kept, ties going to
 * the earliest (the lowest seed). It picks the most typical report the model writes for the inputs, and never looks
 * at anything but the candidates themselves. The toolchain's `medcodi.evaluate --report-candidates` does the same
 * (`consensus_index`), and measured what it buys on the nano model (README, Model quality).
 */
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
