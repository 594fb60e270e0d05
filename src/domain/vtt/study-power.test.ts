import { describe, expect, it } from 'vitest';
import { casesToTellFromChance, describeStudyPower, studyPower } from './study-power';

describe('study size', () => {
  it('gives the textbook sample sizes for one proportion against 50% (α 0.05 two-sided, power 0.8)', () => {
    // ((1.96·0.5 + 0.8416·√(p(1−p))) / (p − 0.5))², rounded up: the usual 194 for 60% and 47 for 70%
    expect(casesToTellFromChance(0.6)).toBe(194);
    expect(casesToTellFromChance(0.7)).toBe(47);
    expect(casesToTellFromChance(0.8)).toBe(20);
    expect(casesToTellFromChance(0.5)).toBe(Number.POSITIVE_INFINITY);
    expect(casesToTellFromChance(0.4)).toBe(Number.POSITIVE_INFINITY);
  });

  it("says where a guessing reader's accuracy would fall, and whether the study can tell better from guessing", () => {
    const power = studyPower(40, 3);
    if (power === null) throw new Error('expected a plan');
    // Wilson 95% for 20 of 40, and for 60 of 120 pooled
    expect(power.perReaderAtChance.lower).toBeCloseTo(0.352, 3);
    expect(power.perReaderAtChance.upper).toBeCloseTo(0.648, 3);
    expect(power.pooledAtChance.lower).toBeCloseTo(0.4119, 3);
    expect(describeStudyPower(power)).toBe(
      'A reader who scores 50% on 40 cases has a 95% interval of 35%–65% for their accuracy; all 3 readers pooled, 41%–59% at best. ' +
        '40 cases are too few to tell even 70% accuracy from guessing (that needs 47 cases; 60% needs 194) (80% power, two-sided 5%).',
    );
    expect(describeStudyPower(studyPower(60, 1) as NonNullable<ReturnType<typeof studyPower>>)).toContain(
      '60 cases are enough to tell 70% accuracy from guessing, not 60% (that needs 194 cases)',
    );
    expect(describeStudyPower(studyPower(200, 2) as NonNullable<ReturnType<typeof studyPower>>)).toContain('enough for one reader to tell 60% accuracy from guessing');
  });

  it('has nothing to say about an unfinished design', () => {
    expect(studyPower(0, 2)).toBeNull();
    expect(studyPower(10, 0)).toBeNull();
    expect(studyPower(Number.NaN, 2)).toBeNull();
  });
});
