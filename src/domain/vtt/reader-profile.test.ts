import { describe, expect, it } from 'vitest';
import { describeConsent, describePractice, describeReader, parseYears } from './reader-profile';

describe('parseYears', () => {
  it('reads a whole number of years, empty as not given, and refuses the rest in words', () => {
    expect(parseYears(' 12 ')).toBe(12);
    expect(parseYears('0')).toBe(0);
    expect(parseYears('')).toBeNull();
    expect(parseYears('   ')).toBeNull();
    for (const bad of ['twelve', '-1', '2.5', '61', '1e1']) expect(parseYears(bad)).toEqual({ problem: 'Years of experience must be a whole number from 0 to 60, or empty.' });
  });
});

describe('describeReader', () => {
  it('says what the reader gave, and only that', () => {
    const base = { readerId: 'r1', label: 'R1', role: 'Radiologist', yearsExperience: 12 };
    expect(describeReader({ ...base, subspecialty: 'Thoracic', priorSyntheticExposure: false })).toBe('Radiologist, 12 years, Thoracic; new to synthetic X-rays');
    // a report study asked about generated reports
    expect(describeReader({ ...base, priorSyntheticExposure: true }, 'report')).toBe('Radiologist, 12 years; has seen synthetic X-ray reports before');
    expect(describeReader({ ...base, yearsExperience: 1, priorSyntheticExposure: true })).toBe('Radiologist, 1 year; has seen synthetic X-rays before');
    // Sessions from before the questions existed.
    expect(describeReader({ ...base, role: '', yearsExperience: null })).toBe('role not given');
  });
});

describe('describeConsent', () => {
  it("says whether the reader agreed to the study's current instructions", () => {
    const consent = { instructionsSha256: 'a'.repeat(64), agreedAt: '2026-12-07T10:00:00.000Z' };
    expect(describeConsent(consent, 'a'.repeat(64))).toBe('agreed to the instructions on 2026-12-07');
    expect(describeConsent(consent, 'b'.repeat(64))).toBe(`agreed on 2026-12-07 to other instructions (SHA-256 ${'a'.repeat(12)}…), not the study's current text`);
    expect(describeConsent(undefined, 'a'.repeat(64))).toBe('no consent recorded');
    expect(describeConsent(undefined, null)).toBe('no instructions in this study');
  });
});

describe('describePractice', () => {
  it('counts the right practice calls, and says nothing without practice', () => {
    expect(describePractice([{ correct: true }, { correct: false }])).toBe('practice 1 of 2 right');
    expect(describePractice([])).toBe('');
    expect(describePractice(undefined)).toBe('');
  });
});
