import { describe, expect, it } from 'vitest';
import { parseCliArgs } from './batch-args';
import { caseOutputFile, caseSeed, parseShard, shardCases } from './batch-plan';

describe('batch plan', () => {
  it('splits cases into disjoint shards that cover the run', () => {
    for (const n of [1, 2, 3, 7]) {
      const all = Array.from({ length: n }, (_, k) => shardCases(20, { index: k + 1, count: n })).flat();
      expect(all.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    }
    expect(shardCases(10, { index: 2, count: 3 })).toEqual([1, 4, 7]);
  });

  it('gives each case a seed that depends only on the run seed and the index', () => {
    // Golden values (murmur3 fmix32 of run seed ^ fmix32(index + 0x9e3779b9), computed independently in Python):
    // a batch run made today must get the same per-case seeds from every later version.
    expect([caseSeed(7, 3), caseSeed(0, 0), caseSeed(42, 999)]).toEqual([1457955513, 2856213345, 1632023769]);
    const seeds = new Set(Array.from({ length: 1000 }, (_, i) => caseSeed(7, i)));
    expect(seeds.size).toBe(1000);
    expect(caseSeed(8, 3)).not.toBe(caseSeed(7, 3));
    for (const s of seeds) expect(s >= 0 && s <= 0xffffffff && Number.isInteger(s)).toBe(true);
  });

  it('names files by case index only, marked synthetic', () => {
    expect(caseOutputFile(7, 'T>F+L', 'lateral')).toBe('synthetic_case-000007_T-to-L.png');
    expect(caseOutputFile(7, 'F+L>T', 'report')).toBe('synthetic_case-000007_FL-to-T.txt');
  });

  it('parses shards and rejects bad ones', () => {
    expect(parseShard('2/8')).toEqual({ index: 2, count: 8 });
    for (const bad of ['0/2', '3/2', '1/0', 'a/b', '1']) expect(() => parseShard(bad)).toThrow(/--shard must be k\/N/);
  });

  it('parses a generate command and names the flag in every problem', () => {
    const options = parseCliArgs(['generate', '--direction', 'T>F', '--count', '10', '--shard', '2/4', '--seed', '9', '--out', 'o', '--steps', '20', '--prompt', 'a', '--prompt', 'b'], new Date('2026-11-27T10:00:00Z'));
    expect(options).toMatchObject({ command: 'generate', count: 10, shard: { index: 2, count: 4 }, seed: 9, steps: 20, prompts: ['a', 'b'], runDate: '2026-11-27', backend: 'cpu', dicom: false, classify: true });
    expect(() => parseCliArgs(['generate', '--direction', 'X>Y', '--count', '1', '--out', 'o'])).toThrow(/--direction "X>Y" is not one of/);
    expect(() => parseCliArgs(['generate', '--direction', 'T>F', '--count', '-1', '--out', 'o'])).toThrow(/--count must be a whole number/);
    expect(() => parseCliArgs(['generate', '--direction', 'T>F', '--count', '1'])).toThrow(/--out DIR is required/);
    expect(() => parseCliArgs(['generate', '--bogus'])).toThrow(/Unknown option --bogus/);
    expect(parseCliArgs(['merge', '--out', 'all', 'a', 'b'])).toEqual({ command: 'merge', out: 'all', sources: ['a', 'b'] });
  });

  it('takes --report-candidates only for directions that write a report', () => {
    expect(parseCliArgs(['generate', '--direction', 'F>T', '--count', '1', '--out', 'o'])).toMatchObject({ reportCandidates: 1 });
    expect(parseCliArgs(['generate', '--direction', 'F>T+L', '--count', '1', '--out', 'o', '--report-candidates', '5'])).toMatchObject({ reportCandidates: 5 });
    expect(() => parseCliArgs(['generate', '--direction', 'T>F', '--count', '1', '--out', 'o', '--report-candidates', '3'])).toThrow(
      '--report-candidates applies to directions with a report output; T>F has none.',
    );
    expect(() => parseCliArgs(['generate', '--direction', 'F>T', '--count', '1', '--out', 'o', '--report-candidates', '17'])).toThrow(/--report-candidates must be a whole number from 1 to 16/);
  });
});
