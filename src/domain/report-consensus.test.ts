import { describe, expect, it } from 'vitest';
import { phantomRules } from './labeler-rules';
import { candidateSeeds, describeConsensus, findingVotes, pickConsensus, pickConsensusReport, runWithReportConsensus } from './report-consensus';
import type { GenerationRequest, JobResult } from '../contracts/job';

const LABELS = ['cardiomegaly', 'effusion', 'pneumothorax'];
const v = (c: 0 | 1, e: 0 | 1, p: 0 | 1) => ({ cardiomegaly: c, effusion: e, pneumothorax: p });

describe('pickConsensus', () => {
  it('keeps the candidate closest to the others, not the first', () => {
    const pick = pickConsensus([v(0, 0, 1), v(1, 0, 0), v(1, 1, 0), v(1, 1, 0), v(1, 1, 1)], LABELS);
    // candidate 2 against 0, 1, 3, 4: 0 + 2 + 3 + 2 agreements of 12 (label, other) pairs; 3 ties with it, later
    expect(pick.index).toBe(2);
    expect(pick.agreement).toEqual([2 / 12, 6 / 12, 7 / 12, 7 / 12, 6 / 12]);
  });

  it('breaks ties toward the earliest candidate (the lowest seed)', () => {
    expect(pickConsensus([v(1, 0, 0), v(0, 1, 0)], LABELS).index).toBe(0);
    expect(pickConsensus([v(1, 0, 0), v(0, 1, 0), v(0, 1, 0)], LABELS).index).toBe(1);
  });

  it('treats a missing label as negative and a lone candidate as full agreement', () => {
    expect(pickConsensus([{ cardiomegaly: 1 }, v(0, 0, 0), v(0, 0, 0)], LABELS).index).toBe(1);
    expect(pickConsensus([v(1, 1, 1)], LABELS)).toEqual({ index: 0, agreement: [1] });
  });

  it('refuses an empty list', () => {
    expect(() => pickConsensus([], LABELS)).toThrow(/no candidates/);
  });
});

describe('pickConsensusReport', () => {
  it('labels the reports with the phantom labeler, negations included', () => {
    const reports = [
      'Small right pleural effusion. No pneumothorax.',
      'No pleural effusion. No pneumothorax. The heart is normal in size.',
      'There is no effusion or pneumothorax.',
    ];
    const pick = pickConsensusReport(reports, phantomRules());
    // Reports 1 and 2 both say nothing is there; report 0's effusion is the outlier.
    expect(pick.index).toBe(1);
    expect(pick.agreement[0]).toBeLessThan(pick.agreement[1] as number);
  });
});

describe('describeConsensus', () => {
  it('names the seeds, the kept one and the spread of agreement', () => {
    expect(describeConsensus({ seeds: [7, 8, 9, 10, 11], chosen: 2, agreement: [0.6, 0.8, 0.933, 0.9, 0.7], totalMs: 1200, reports: [] })).toBe(
      'Consensus of 5 reports (seeds 7–11): kept seed 9, whose findings agree with the others on 93% of labels (candidates 60%–93%).',
    );
    // seeds wrap at 2^32 − 1, so they are listed rather than given as a range
    expect(describeConsensus({ seeds: [4294967295, 0], chosen: 0, agreement: [1, 1], totalMs: 10, reports: [] })).toContain('(seeds 4294967295, 0)');
  });
});

describe('findingVotes', () => {
  it('counts, per finding, the candidates that state it (uncertain counts), most frequent first', () => {
    const votes = findingVotes(
      [
        'Small right pleural effusion. No pneumothorax.',
        'Possible small left pleural effusion. Small right pneumothorax.',
        'No pleural effusion. Small right pneumothorax.',
        'Moderate bilateral pleural effusions.',
      ],
      phantomRules(),
    );
    expect(votes.map((v) => [v.label, v.positives, v.candidates])).toEqual([
      ['pleural_effusion', 3, 4],
      ['pneumothorax', 2, 4],
    ]);
  });

  it('is empty when no candidate states a finding', () => {
    expect(findingVotes(['No pleural effusion. No pneumothorax.', 'The lungs are clear.'], phantomRules())).toEqual([]);
  });
});

describe('runWithReportConsensus', () => {
  const request = (outputs: GenerationRequest['outputs'], seed: number): GenerationRequest => ({
    jobId: 'job-0',
    modelId: 'm',
    inputs: [],
    outputs,
    settings: { steps: 2, guidanceScale: 7.5, seed, sampler: 'ddim', eta: 1, previewEvery: 0, temperature: 1, topP: 1, maxTokens: 10 },
  });
  const fakeRun = (reportFor: (seed: number) => string, ran: GenerationRequest[]) => async (r: GenerationRequest) => {
    ran.push(r);
    return { jobId: r.jobId, settings: r.settings, outputs: r.outputs.includes('report') ? { report: reportFor(r.settings.seed) } : {} } as unknown as JobResult;
  };

  it('seeds wrap at 2^32 and each candidate after the first gets a new job id', async () => {
    expect(candidateSeeds(4294967294, 3)).toEqual([4294967294, 4294967295, 0]);
    const ran: GenerationRequest[] = [];
    const heard: [number, string][] = [];
    let n = 0;
    const out = await runWithReportConsensus(request(['report'], 4294967295), 2, {
      runJob: fakeRun((seed) => (seed === 0 ? 'Large right pneumothorax.' : 'No pneumothorax.'), ran),
      newJobId: () => `job-${(n += 1)}`,
      rules: phantomRules(),
      onCandidate: (k, id) => heard.push([k, id]),
      now: () => 0,
    });
    expect(ran.map((r) => [r.jobId, r.settings.seed])).toEqual([['job-0', 4294967295], ['job-1', 0]]);
    expect(heard).toEqual([[0, 'job-0'], [1, 'job-1']]);
    // Two candidates that differ on one of the rules' 8 labels tie at 7/8: the first is kept.
    expect(out.kept.jobId).toBe('job-0');
    expect(out.consensus).toEqual({ seeds: [4294967295, 0], chosen: 0, agreement: [7 / 8, 7 / 8], totalMs: 0, reports: ['No pneumothorax.', 'Large right pneumothorax.'] });
  });

  it('runs once, with no consensus, for a job without a report output or a single candidate', async () => {
    const ran: GenerationRequest[] = [];
    const deps = { runJob: fakeRun(() => 'x', ran), newJobId: () => 'other', rules: phantomRules() };
    expect((await runWithReportConsensus(request(['frontal'], 1), 5, deps)).consensus).toBeUndefined();
    expect((await runWithReportConsensus(request(['report'], 1), 1, deps)).consensus).toBeUndefined();
    expect(ran).toHaveLength(2);
  });
});
