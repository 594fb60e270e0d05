import { describe, expect, it } from 'vitest';
import { phantomRules } from './labeler-rules';
import { describeConsensus, findingVotes, pickConsensus, pickConsensusReport } from './report-consensus';

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
