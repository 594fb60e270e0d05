import { describe, expect, it } from 'vitest';
import { plainAnswer, scenarioStudy, scriptedSession } from './__fixtures__/scenario';
import { canonicalJson } from './canonical-json';
import { appendAnswer, countViewing, createSession, currentCaseId, hasStartedReading, nextPracticeCase, NO_VIEWING, recordPractice, sessionProgress, verifyAnswerChain } from './reader-session';

const reader = { readerId: 'r1', label: 'R1', role: '', yearsExperience: null };

const answerFor = (caseId: string, orderIndex: number) => plainAnswer(caseId, orderIndex);

describe('reader sessions', () => {
  it('start at the first case of the reader order and advance one answer at a time', async () => {
    const study = scenarioStudy();
    let session = createSession(study, reader, '2026-01-01T00:00:00.000Z');
    expect(session.order).toHaveLength(8);
    const first = currentCaseId(session) as string;
    session = await appendAnswer(session, answerFor(first, 0), '2026-01-01T00:00:01.000Z');
    expect(sessionProgress(session)).toEqual({ done: 1, total: 8 });
    expect(currentCaseId(session)).toBe(session.order[1]);
    expect(session.completedAt).toBeNull();
  });

  it('count as started once the start screen is saved (startedAt, or an older session\'s display check) or an answer exists', async () => {
    const session = createSession(scenarioStudy(), reader, 'now');
    expect(hasStartedReading(session)).toBe(false);
    // a report study's start screen: no display check, startedAt alone
    expect(hasStartedReading({ ...session, startedAt: 'then' })).toBe(true);
    const screen = { screenWidth: 1, screenHeight: 1, viewportWidth: 1, viewportHeight: 1, devicePixelRatio: 1, userAgent: 'x' };
    expect(hasStartedReading({ ...session, display: screen })).toBe(false);
    const check = { darkStepVisible: true, brightStepVisible: true, monitor: 'laptop', roomLight: 'dim', checkedAt: 'then' } as const;
    expect(hasStartedReading({ ...session, display: { ...screen, check } })).toBe(true);
    expect(hasStartedReading(await appendAnswer(session, answerFor(session.order[0] as string, 0), 'now'))).toBe(true);
  });

  it('refuse an answer for any case but the current one', async () => {
    const study = scenarioStudy();
    const session = createSession(study, reader, 'now');
    await expect(appendAnswer(session, answerFor(session.order[1] as string, 0), 'now')).rejects.toThrow(/current case/);
    await expect(appendAnswer(session, answerFor(session.order[0] as string, 3), 'now')).rejects.toThrow(/out of order/);
  });

  it('mark completion and keep a verifiable hash chain', async () => {
    const study = scenarioStudy();
    const session = await scriptedSession(study, 'R1', 'reader-1');
    expect(session.completedAt).not.toBeNull();
    expect(currentCaseId(session)).toBeNull();
    expect(await verifyAnswerChain(session)).toBe(true);
    // Editing an earlier answer breaks the chain.
    const edited = { ...session, answers: session.answers.map((a, i) => (i === 2 ? { ...a, realism: 1 } : a)) };
    expect(await verifyAnswerChain(edited)).toBe(false);
    // Dropping one breaks it too.
    expect(await verifyAnswerChain({ ...session, answers: session.answers.filter((_, i) => i !== 0) })).toBe(false);
  });
});

describe('canonicalJson', () => {
  it('sorts keys at every depth and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: undefined } })).toBe('{"a":{"d":[1,{"y":2,"z":1}]},"b":1}');
  });
});

describe('viewing counts', () => {
  it('count each kind of gesture on its own, without changing the counts given', () => {
    const once = countViewing(NO_VIEWING, 'windowLevel');
    const counts = countViewing(countViewing(countViewing(once, 'zoom'), 'windowLevel'), 'resets');
    expect(counts).toEqual({ windowLevel: 2, zoom: 1, pan: 0, resets: 1 });
    expect(once).toEqual({ windowLevel: 1, zoom: 0, pan: 0, resets: 0 });
    expect(NO_VIEWING).toEqual({ windowLevel: 0, zoom: 0, pan: 0, resets: 0 });
  });
});

describe('practice', () => {
  it('shows each practice case once, before the study, and keeps the answers outside the chain', async () => {
    const study = scenarioStudy();
    const practice = [
      { caseId: 'p1', image: study.cases[0]?.image ?? { width: 0, height: 0, pixels: new Uint8Array() }, truth: 'synthetic' as const, source: { kind: 'local-file' as const, fileName: 'a.png', fileType: 'png' as const } },
      { caseId: 'p2', image: study.cases[1]?.image ?? { width: 0, height: 0, pixels: new Uint8Array() }, truth: 'real' as const, source: { kind: 'local-file' as const, fileName: 'b.png', fileType: 'png' as const } },
    ];
    const withPractice = { ...study, practice };
    let session = createSession(withPractice, reader, 'now');
    expect(nextPracticeCase(withPractice, session)?.caseId).toBe('p1');
    session = recordPractice(session, practice[0] as (typeof practice)[number], 'real', 2, 'later');
    expect(session.practice).toEqual([{ caseId: 'p1', call: 'real', confidence: 2, correct: false, answeredAt: 'later' }]);
    expect(nextPracticeCase(withPractice, session)?.caseId).toBe('p2');
    session = recordPractice(session, practice[1] as (typeof practice)[number], 'real', 3, 'later');
    expect(session.practice?.[1]?.correct).toBe(true);
    expect(nextPracticeCase(withPractice, session)).toBeNull();
    expect(session.answers).toEqual([]);
    // A study without practice, or a reader already in the study, has none to show.
    expect(nextPracticeCase(study, createSession(study, reader, 'now'))).toBeNull();
    const begun = await appendAnswer(createSession(withPractice, reader, 'now'), answerFor(currentCaseId(createSession(withPractice, reader, 'now')) as string, 0), 'then');
    expect(nextPracticeCase(withPractice, begun)).toBeNull();
  });
});
