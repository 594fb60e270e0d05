import 'fake-indexeddb/auto';
import { createStore, set } from 'idb-keyval';
import { describe, expect, it } from 'vitest';
import { scenarioStudy, scriptedSession } from '../domain/vtt/__fixtures__/scenario';
import { createSession } from '../domain/vtt/reader-session';
import { createVttDb } from './vtt-db';

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
    expect(loaded?.cases[0]?.image.pixels).toBeInstanceOf(Uint8Array);
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
