import 'fake-indexeddb/auto';
import { createStore, set, type UseStore } from 'idb-keyval';
import { describe, expect, it } from 'vitest';
import { plainAnswer, scenarioStudy, scriptedSession } from '../domain/vtt/__fixtures__/scenario';
import { appendAnswer, createSession, currentCaseId, type ReaderSession } from '../domain/vtt/reader-session';
import { VttStorageError, createVttDb, saveReaderStep, withReaderLock, type ReaderLocks, type ReaderSave, type VttDb } from './vtt-db';

let counter = 0;
function fresh() {
  counter += 1;
  const store = createStore(`vtt-test-${counter}`, 'vtt');
  return { store, db: createVttDb(store) };
}

describe('vtt-db', () => {
  it('stores studies and sessions and lists them per study', async () => {
    const { db } = fresh();
    const study = scenarioStudy();
    await db.saveStudy(study);
    const r1 = await scriptedSession(study, 'R1', 'reader-1');
    await db.saveSession(r1);
    await db.saveSession(createSession(study, { readerId: 'reader-2', label: 'R2', role: '', yearsExperience: null }, 'now'));
    const loaded = await db.getStudy(study.studyId);
    expect(loaded?.cases[0]?.image?.pixels).toBeInstanceOf(Uint8Array);
    expect(loaded?.key).toEqual(study.key);
    expect((await db.listStudies()).map((s) => s.studyId)).toEqual([study.studyId]);
    expect((await db.listSessions(study.studyId)).map((s) => s.reader.label).sort()).toEqual(['R1', 'R2']);
    expect((await db.getSession(study.studyId, 'reader-1'))?.answers).toHaveLength(8);
  });

  it('deletes a study with its sessions only', async () => {
    const { db } = fresh();
    const a = scenarioStudy();
    const b = { ...scenarioStudy(), studyId: 'other', createdAt: '2027-01-01T00:00:00.000Z' };
    await db.saveStudy(a);
    await db.saveStudy(b);
    await db.saveSession(createSession(a, { readerId: 'x', label: 'X', role: '', yearsExperience: null }, 'now'));
    await db.saveSession(createSession(b, { readerId: 'y', label: 'Y', role: '', yearsExperience: null }, 'now'));
    await db.deleteStudy(a.studyId);
    expect((await db.listStudies()).map((s) => s.studyId)).toEqual(['other']);
    expect(await db.listSessions(a.studyId)).toEqual([]);
    expect(await db.listSessions('other')).toHaveLength(1);
  });

  it('skips entries that are not studies', async () => {
    const { db, store } = fresh();
    await set('study/junk', { hello: 1 }, store);
    expect(await db.listStudies()).toEqual([]);
    expect(await db.getStudy('junk')).toBeUndefined();
  });
});

describe('vtt-db when storage is full', () => {
  it("says so in words, and keeps the reader's answers already saved", async () => {
    const { store } = fresh();
    const db = createVttDb(store);
    const study = scenarioStudy();
    await db.saveStudy(study);
    const saved = await scriptedSession(study, 'R1', 'reader-1');
    const halfway: ReaderSession = { ...saved, answers: saved.answers.slice(0, 3), completedAt: null };
    await db.saveSession(halfway);
    // the next answer's write hits a full disk; reads still work
    const full: UseStore = (mode, callback) => (mode === 'readwrite' ? Promise.reject(new DOMException('quota', 'QuotaExceededError')) : store(mode, callback));
    const fullDb = createVttDb(full);
    const next = await appendAnswer(halfway, plainAnswer(currentCaseId(halfway) as string, 3), 'now');
    const failure = await fullDb.saveSession(next).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(VttStorageError);
    expect((failure as Error).message).toBe(
      "The browser's storage for this site is full, so saving the answer failed. Free space (e.g. delete old results in History) and try again.",
    );
    expect((await fullDb.getSession(study.studyId, 'reader-1'))?.answers).toHaveLength(3);
    expect(await fullDb.getStudy(study.studyId)).toBeDefined();
  });
});

describe('withReaderLock', () => {
  /** An in-memory stand-in for navigator.locks: callbacks under one name run one after another. */
  function fifoLocks(): ReaderLocks {
    const tails = new Map<string, Promise<unknown>>();
    return {
      request<T>(name: string, callback: () => Promise<T>): Promise<T> {
        const run = (tails.get(name) ?? Promise.resolve()).then(callback, callback);
        tails.set(name, run.catch(() => undefined));
        return run;
      },
    };
  }

  /** The reading screen's Enter: the same saveReaderStep call as use-reading's submit. */
  async function submitFromTab(db: VttDb, view: ReaderSession, locks: ReaderLocks | null): Promise<ReaderSave['kind']> {
    const answer = plainAnswer(currentCaseId(view) as string, view.answers.length);
    const saved = await saveReaderStep(
      db,
      view.studyId,
      view.reader.readerId,
      (stored) => stored.answers.length === view.answers.length,
      (stored) => appendAnswer(stored, answer, 'now'),
      locks,
    );
    return saved.kind;
  }

  it('lets only one of two tabs of the same reader save the same case; the other goes on from it', async () => {
    const { db } = fresh();
    const study = scenarioStudy();
    const session = createSession(study, { readerId: 'reader-1', label: 'R1', role: '', yearsExperience: null }, 'now');
    await db.saveSession(session);
    const locks = fifoLocks();
    expect((await Promise.all([submitFromTab(db, session, locks), submitFromTab(db, session, locks)])).sort()).toEqual(['elsewhere', 'saved']);
    expect((await db.getSession(study.studyId, 'reader-1'))?.answers).toHaveLength(1);
  });

  it('is needed: without it both tabs read before either writes, both think they saved, and one answer is lost', async () => {
    const { db } = fresh();
    const study = scenarioStudy();
    const session = createSession(study, { readerId: 'reader-1', label: 'R1', role: '', yearsExperience: null }, 'now');
    await db.saveSession(session);
    expect(await Promise.all([submitFromTab(db, session, null), submitFromTab(db, session, null)])).toEqual(['saved', 'saved']);
    expect((await db.getSession(study.studyId, 'reader-1'))?.answers).toHaveLength(1);
  });

  it('says when the reader was deleted, and hands back what another tab saved without writing', async () => {
    const { db } = fresh();
    const study = scenarioStudy();
    const session = createSession(study, { readerId: 'reader-1', label: 'R1', role: '', yearsExperience: null }, 'now');
    expect(await submitFromTab(db, session, fifoLocks())).toBe('gone');
    expect(await db.getSession(study.studyId, 'reader-1')).toBeUndefined();
    const moved = await appendAnswer(session, plainAnswer(currentCaseId(session) as string, 0), 'then');
    await db.saveSession(moved);
    const saved = await saveReaderStep(db, study.studyId, 'reader-1', () => false, () => session, fifoLocks());
    expect(saved).toEqual({ kind: 'elsewhere', session: moved });
    expect(await db.getSession(study.studyId, 'reader-1')).toEqual(moved);
  });

  it('locks per reader session: another reader is not held up', async () => {
    const names: string[] = [];
    const locks: ReaderLocks = {
      request<T>(name: string, callback: () => Promise<T>) {
        names.push(name);
        return callback();
      },
    };
    await withReaderLock('s1', 'r1', async () => 1, locks);
    await withReaderLock('s1', 'r2', async () => 2, locks);
    expect(names).toEqual(['medcodi-vtt/session/s1/r1', 'medcodi-vtt/session/s1/r2']);
    // no Web Locks API: the critical section still runs
    expect(await withReaderLock('s1', 'r1', async () => 'ran', null)).toBe('ran');
  });
});
