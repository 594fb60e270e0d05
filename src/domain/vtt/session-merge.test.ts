import { describe, expect, it } from 'vitest';
import { plainAnswer, scenarioStudy, scriptedSession } from './__fixtures__/scenario';
import { appendAnswer, createSession, currentCaseId, type ReaderSession } from './reader-session';
import { compareReaderSessions, describeSessionImport, importedLabel } from './session-merge';

/** The first `n` answers of a session: what another machine held before the reader went on. */
const upTo = (session: ReaderSession, n: number): ReaderSession => ({ ...session, answers: session.answers.slice(0, n), completedAt: null });

async function answered(calls: readonly ('real' | 'synthetic')[]): Promise<ReaderSession> {
  let session = createSession(scenarioStudy(), { readerId: 'reader-1', label: 'R1', role: '', yearsExperience: null }, 'now');
  for (const [i, call] of calls.entries()) session = await appendAnswer(session, plainAnswer(currentCaseId(session) as string, i, { call }), 'now');
  return session;
}

describe('compareReaderSessions', () => {
  it('takes the file further only when it is this machine\'s copy with more answers', async () => {
    const full = await scriptedSession(scenarioStudy(), 'R1', 'reader-1');
    expect(compareReaderSessions(upTo(full, 3), full, true)).toEqual({ kind: 'further-in-file', progress: '3 → 8 answers' });
    expect(compareReaderSessions(full, upTo(full, 3), true)).toEqual({ kind: 'further-here' });
    expect(compareReaderSessions(full, full, true)).toEqual({ kind: 'same' });
    // a file copy whose log does not verify never replaces this machine's
    expect(compareReaderSessions(upTo(full, 3), full, false)).toEqual({ kind: 'unverified' });
    // behind or equal, a copy that does not verify changes nothing either way
    expect(compareReaderSessions(full, upTo(full, 3), false)).toEqual({ kind: 'further-here' });
  });

  it('says where two copies of one reader disagree, and never picks one', async () => {
    const a = await answered(['real', 'real', 'synthetic']);
    const b = await answered(['real', 'synthetic']);
    expect(compareReaderSessions(a, b, true)).toEqual({ kind: 'diverged', reason: 'the answers differ from answer 2 on' });
    expect(compareReaderSessions(b, a, true)).toEqual({ kind: 'diverged', reason: 'the answers differ from answer 2 on' });
    const practice = { caseId: 'p1', call: 'real' as const, confidence: 2, correct: true, answeredAt: 'then' };
    const here = { ...a, practice: [practice] };
    expect(compareReaderSessions(here, { ...a, practice: [{ ...practice, call: 'synthetic' as const }] }, true)).toEqual({ kind: 'diverged', reason: 'the practice answers differ from practice answer 1 on' });
    // ahead in one stage and behind in another (not possible through the studio, but never taken as further)
    const moreAnswers = { ...a, startedAt: undefined, practice: [] };
    const morePractice = { ...upTo(a, 0), practice: [practice, { ...practice, caseId: 'p2' }] };
    expect(compareReaderSessions(moreAnswers, morePractice, true)).toEqual({ kind: 'diverged', reason: 'each copy has gone further in its own way' });
  });

  it('counts the start screen and practice as progress before the first answer', async () => {
    const fresh = createSession(scenarioStudy(), { readerId: 'reader-1', label: 'R1', role: '', yearsExperience: null }, 'now');
    const started = { ...fresh, startedAt: 'then' };
    const practised = { ...started, practice: [{ caseId: 'p1', call: 'real' as const, confidence: 2, correct: true, answeredAt: 'then' }] };
    expect(compareReaderSessions(fresh, started, true)).toEqual({ kind: 'further-in-file', progress: 'start screen done' });
    expect(compareReaderSessions(started, practised, true)).toEqual({ kind: 'further-in-file', progress: 'practice 0 → 1' });
    expect(compareReaderSessions(practised, started, true)).toEqual({ kind: 'further-here' });
  });
});

describe('importedLabel', () => {
  it('keeps a free pseudonym and numbers a taken one', () => {
    expect(importedLabel('R3', new Set(['R1', 'R2']))).toBe('R3');
    expect(importedLabel('R1', new Set(['R1', 'R2']))).toBe('R1 (2)');
    expect(importedLabel('R1', new Set(['R1', 'R1 (2)']))).toBe('R1 (3)');
    expect(importedLabel('R1 (2)', new Set(['R1', 'R1 (2)']))).toBe('R1 (3)');
  });
});

describe('describeSessionImport', () => {
  it('accounts for every reader of the file', () => {
    expect(describeSessionImport({ added: [], renamed: [], updated: [], unchanged: [], diverged: [], unverified: [] })).toBe('0 reader sessions added.');
    expect(
      describeSessionImport({
        added: ['R3', 'R1 (2)'],
        renamed: [['R1', 'R1 (2)']],
        updated: [
          { label: 'R2', progress: '3 → 8 answers' },
          { label: 'R6', progress: 'start screen done' },
        ],
        unchanged: ['R4'],
        diverged: [{ label: 'R5', reason: 'the answers differ from answer 2 on' }],
        unverified: ['R7'],
      }),
    ).toBe(
      "2 reader sessions added. The file's R1 is called R1 (2) here: another reader is already called R1. " +
        'Went on from the file, where these readers had got further: R2 (3 → 8 answers), R6 (start screen done). Already as far along here, left as they are: R4. ' +
        'Not imported, because this machine and the file hold different answers for the same reader: R5 (the answers differ from answer 2 on). This machine keeps its own. ' +
        "Not imported, because the file's answer log does not verify (answers were changed outside the studio): R7. This machine keeps its own. " +
        'Nothing saved here for them was changed.',
    );
  });
});
