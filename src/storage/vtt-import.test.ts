import 'fake-indexeddb/auto';
import { createStore } from 'idb-keyval';
import { describe, expect, it } from 'vitest';
import { plainAnswer, scenarioStudy, scriptedSession } from '../domain/vtt/__fixtures__/scenario';
import { appendAnswer, createSession, currentCaseId, verifyAnswerChain, type ReaderSession } from '../domain/vtt/reader-session';
import { createVttDb } from './vtt-db';
import { importReaderSessions, STUDY_GONE_DURING_IMPORT } from './vtt-import';

let counter = 0;
const freshDb = () => createVttDb(createStore(`vtt-import-test-${(counter += 1)}`, 'vtt'));
const upTo = (session: ReaderSession, n: number): ReaderSession => ({ ...session, answers: session.answers.slice(0, n), completedAt: null });

describe('importReaderSessions (pooling a study read on several machines)', () => {
  it('adds new readers, renaming one whose pseudonym is taken here, and takes a reader who went on elsewhere further', async () => {
    const db = freshDb();
    const study = scenarioStudy();
    await db.saveStudy(study);
    const r1 = await scriptedSession(study, 'R1', 'reader-1');
    // This machine: R1 with 3 answers, and its own reader called R2.
    await db.saveSession(upTo(r1, 3));
    await db.saveSession(createSession(study, { readerId: 'local-r2', label: 'R2', role: '', yearsExperience: null }, 'now'));
    // The file: R1 gone on to 8 answers elsewhere, and another machine's R2 (another reader id).
    const otherR2 = await scriptedSession(study, 'R2', 'reader-2');
    const report = await importReaderSessions(db, study.studyId, [r1, otherR2], null);
    expect(report).toEqual({
      added: ['R2 (2)'],
      renamed: [['R2', 'R2 (2)']],
      updated: [{ label: 'R1', progress: '3 → 8 answers' }],
      unchanged: [],
      diverged: [],
      unverified: [],
    });
    const stored = await db.listSessions(study.studyId);
    const byId = new Map(stored.map((s) => [s.reader.readerId, s]));
    expect(byId.get('reader-1')?.answers).toHaveLength(8);
    expect(await verifyAnswerChain(byId.get('reader-1') as ReaderSession)).toBe(true);
    expect(byId.get('reader-2')?.reader.label).toBe('R2 (2)');
    // renaming does not break the answer log (it is seeded by the reader id, not the pseudonym)
    expect(await verifyAnswerChain(byId.get('reader-2') as ReaderSession)).toBe(true);
    expect(byId.get('local-r2')?.reader.label).toBe('R2');
  });

  it('never replaces what this machine holds with less, or with answers that disagree', async () => {
    const db = freshDb();
    const study = scenarioStudy();
    await db.saveStudy(study);
    const r1 = await scriptedSession(study, 'R1', 'reader-1');
    await db.saveSession(r1);
    // R3 here answered case 1 "real"; the file's R3 answered it "synthetic".
    let here = createSession(study, { readerId: 'reader-3', label: 'R3', role: '', yearsExperience: null }, 'now');
    let there = here;
    here = await appendAnswer(here, plainAnswer(currentCaseId(here) as string, 0, { call: 'real' }), 'now');
    there = await appendAnswer(there, plainAnswer(currentCaseId(there) as string, 0, { call: 'synthetic' }), 'now');
    there = await appendAnswer(there, plainAnswer(currentCaseId(there) as string, 1), 'now');
    await db.saveSession(here);
    const report = await importReaderSessions(db, study.studyId, [upTo(r1, 5), r1, there], null);
    expect(report.unchanged).toEqual(['R1', 'R1']);
    expect(report.diverged).toEqual([{ label: 'R3', reason: 'the answers differ from answer 1 on' }]);
    expect(report.added).toEqual([]);
    expect((await db.getSession(study.studyId, 'reader-1'))?.answers).toHaveLength(8);
    expect((await db.getSession(study.studyId, 'reader-3'))?.answers.map((a) => a.call)).toEqual(['real']);
  });

  it('numbers a pseudonym the same file takes twice, and refuses a further copy whose log was edited', async () => {
    const db = freshDb();
    const study = scenarioStudy();
    await db.saveStudy(study);
    const r1 = await scriptedSession(study, 'R1', 'reader-1');
    await db.saveSession(upTo(r1, 2));
    // Two other machines' readers both called R1, the second already called "R1 (2)" there.
    const a = createSession(study, { readerId: 'm2-r1', label: 'R1', role: '', yearsExperience: null }, 'now');
    const b = createSession(study, { readerId: 'm3-r1', label: 'R1 (2)', role: '', yearsExperience: null }, 'now');
    // R1's further copy with an answer changed after the fact (its chain no longer verifies).
    const edited = { ...r1, answers: r1.answers.map((x, i) => (i === 4 ? { ...x, call: x.call === 'real' ? ('synthetic' as const) : ('real' as const) } : x)) };
    const report = await importReaderSessions(db, study.studyId, [a, b, edited], null);
    expect(report.added).toEqual(['R1 (2)', 'R1 (3)']);
    expect(report.renamed).toEqual([
      ['R1', 'R1 (2)'],
      ['R1 (2)', 'R1 (3)'],
    ]);
    expect(report.unverified).toEqual(['R1']);
    expect((await db.getSession(study.studyId, 'reader-1'))?.answers).toHaveLength(2);
  });

  it('stops, writing nothing more, when the study is deleted here during the import', async () => {
    const db = freshDb();
    const study = scenarioStudy();
    await db.saveStudy(study);
    await db.deleteStudy(study.studyId);
    const newcomer = createSession(study, { readerId: 'new', label: 'R9', role: '', yearsExperience: null }, 'now');
    await expect(importReaderSessions(db, study.studyId, [newcomer], null)).rejects.toThrow(STUDY_GONE_DURING_IMPORT);
    expect(await db.getSession(study.studyId, 'new')).toBeUndefined();
  });

  it('decides under the reader lock: an answer saved here while the import waits is never written over', async () => {
    const db = freshDb();
    const study = scenarioStudy();
    await db.saveStudy(study);
    const r1 = await scriptedSession(study, 'R1', 'reader-1');
    await db.saveSession(upTo(r1, 2));
    // A lock that lets the reader's own save (4 answers) land first, as another tab holding the lock would.
    const locks = {
      request: async <T,>(_name: string, critical: () => Promise<T>): Promise<T> => {
        await db.saveSession(upTo(r1, 4));
        return critical();
      },
    };
    const report = await importReaderSessions(db, study.studyId, [upTo(r1, 3)], locks);
    expect(report.unchanged).toEqual(['R1']);
    expect((await db.getSession(study.studyId, 'reader-1'))?.answers).toHaveLength(4);
  });
});
