import { describe, expect, it } from 'vitest';
import { describeConsent, describePractice, describeReader, describeReaderSession, parseYears } from './reader-profile';
import type { ReaderSession } from './reader-session';

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

describe('describeReaderSession', () => {
  const session: ReaderSession = {
    studyId: 's1',
    reader: { readerId: 'r1', label: 'R1', role: 'Radiologist', yearsExperience: 12, priorSyntheticExposure: true },
    order: ['c1', 'c2'],
    answers: [],
    createdAt: '2026-12-07T09:00:00.000Z',
    updatedAt: '2026-12-07T09:00:00.000Z',
    completedAt: null,
    display: null,
  };
  const hash = 'a'.repeat(64);
  const check = { darkStepVisible: true, brightStepVisible: false, monitor: 'laptop', roomLight: 'office', checkedAt: '2026-12-07T10:00:00.000Z' } as const;
  const screen = { screenWidth: 1920, screenHeight: 1080, viewportWidth: 1600, viewportHeight: 900, devicePixelRatio: 1, userAgent: 'test' };
  const consent = { instructionsSha256: hash, agreedAt: '2026-12-07T10:00:00.000Z' };

  it('an image study: who, the display check, consent and practice', () => {
    const started = { ...session, consent, display: { ...screen, check }, startedAt: '2026-12-07T10:00:00.000Z', practice: [{ caseId: 'p1', call: 'real', confidence: 2, correct: true, answeredAt: '2026-12-07T10:01:00.000Z' }] } as const;
    expect(describeReaderSession(started, 'image', hash)).toBe(
      'R1: Radiologist, 12 years; has seen synthetic X-rays before. Display: 95 % step not seen · Laptop screen · Office light. Consent: agreed to the instructions on 2026-12-07. Practice 1 of 1 right (not analysed).',
    );
    // a reader who has not begun yet, and one from before the start screen was recorded (answers, no check)
    expect(describeReaderSession(session, 'image', hash)).toBe('R1: Radiologist, 12 years; has seen synthetic X-rays before. Display: no display check. Consent: not started yet.');
    const older = { ...session, answers: [{ caseId: 'c1' }] } as unknown as ReaderSession;
    expect(describeReaderSession(older, 'image', hash)).toContain('Consent: no consent recorded.');
  });

  it('a report study has no display part; its start is marked by startedAt alone', () => {
    const started = { ...session, consent, display: screen, startedAt: '2026-12-07T10:00:00.000Z' };
    expect(describeReaderSession(started, 'report', hash)).toBe('R1: Radiologist, 12 years; has seen synthetic X-ray reports before. Consent: agreed to the instructions on 2026-12-07.');
    // started without consent (instructions added later): said as such, not as "not started"
    expect(describeReaderSession({ ...started, consent: undefined }, 'report', hash)).toContain('Consent: no consent recorded.');
  });

  it('leaves consent out while the hash is being computed, and says when a study has no instructions', () => {
    expect(describeReaderSession(session, 'report', undefined)).toBe('R1: Radiologist, 12 years; has seen synthetic X-ray reports before.');
    expect(describeReaderSession(session, 'report', null)).toContain('Consent: no instructions in this study.');
  });
});
