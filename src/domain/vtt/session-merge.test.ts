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
    expect(compareReaderSessions(upTo(full, 3), full, true)).toEqual({ kind: 'further-in-file', answersHere: 3, answersInFile: 8 });
    expect(compareReaderSessions(full, upTo(full, 3), true)).toEqual({ kind: 'further-here' });
    expect(compareReaderSessions(full, full, true)).toEqual({ kind: 'same' });
    // a file copy whose log does not verify never replaces this machine's
    expect(compareReaderSessions(upTo(full, 3), full, false)).toMatchObject({ kind: 'diverged', reason: expect.stringContaining('does not verify') });
  });

  it('says where two copies of one reader disagree, and never picks one', async () => {
    const a = await answered(['real', 'real', 'synthetic']);
    const b = await answered(['real', 'synthetic']);
    expect(compareReaderSessions(a, b, true)).toEqual({ kind: 'diverged', reason: 'the answers differ from case 2 on' });
    expect(compareReaderSessions(b, a, true)).toEqual({ kind: 'diverged', reason: 'the answers differ from case 2 on' });
    const practice = { caseId: 'p1', call: 'real' as const, confidence: 2, correct: true, answeredAt: 'then' };
    const here = { ...a, practice: [practice] };
    expect(compareReaderSessions(here, { ...a, practice: [{ ...practice, call: 'synthetic' as const }] }, true)).toMatchObject({ kind: 'diverged', reason: expect.stringContaining('practice case 1') });
  });

  it('counts the start screen and practice as progress before the first answer', async () => {
    const fresh = createSession(scenarioStudy(), { readerId: 'reader-1', label: 'R1', role: '', yearsExperience: null }, 'now');
    const started = { ...fresh, startedAt: 'then' };
    const practised = { ...started, practice: [{ caseId: 'p1', call: 'real' as const, confidence: 2, correct: true, answeredAt: 'then' }] };
    expect(compareReaderSessions(fresh, started, true)).toMatchObject({ kind: 'further-in-file', answersInFile: 0 });
    expect(compareReaderSessions(started, practised, true)).toMatchObject({ kind: 'further-in-file' });
    expect(compareReaderSessions(practised, started, true)).toEqual({ kind: 'further-here' });
  });
});

describe('importedLabel', () => {
  it('keeps a free pseudonym and numbers a taken one', () => {
    expect(importedLabel('R3', new Set(['R1', 'R2']))).toBe('R3');
    expect(importedLabel('R1', new Set(['R1', 'R2']))).toBe('R1 (2)');
    expect(importedLabel('R1', new Set(['R1', 'R1 (2)']))).toBe('R1 (3)');
  });
});

describe('describeSessionImport', () => {
  it('accounts for every reader of the file', () => {
    expect(describeSessionImport({ added: [], renamed: [], updated: [], unchanged: [], diverged: [] })).toBe('0 reader sessions added.');
    expect(
      describeSessionImport({
        added: ['R3', 'R1 (2)'],
        renamed: [['R1', 'R1 (2)']],
        updated: [{ label: 'R2', answersHere: 3, answersInFile: 8 }],
        unchanged: ['R4'],
        diverged: [{ label: 'R5', reason: 'the answers differ from case 2 on' }],
      }),
    ).toBe(
      "2 reader sessions added. The file's R1 is called R1 (2) here: another reader here is already called R1. " +
        'Went on from the file, where these readers had read further: R2 (3 → 8 answers). Already as far along here, left as they are: R4. ' +
        'Not imported, because this machine and the file hold different answers for the same reader: R5 (the answers differ from case 2 on). ' +
        'This machine keeps its own; nothing saved here was changed.',
    );
  });
});
