import { describe, expect, it } from 'vitest';
import { buildHistoryArchive } from '../domain/io/history-archive';
import { sampleRecord } from '../domain/io/testing/sample-record';
import type { ResultRecord } from '../domain/result-record';
import { ResultsStorageError } from './results-db';
import { describeImport, importHistory } from './history-transfer';

const record = (id: string): ResultRecord => sampleRecord({ id, directionId: 'F>T', outputs: { report: `report ${id}` } });

/** `unreadable`: ids stored by a newer studio, which list() would not return but ids() does. */
function memoryDb(initial: ResultRecord[], failAfter = Infinity, unreadable: string[] = []) {
  const saved = new Map(initial.map((r) => [r.id, r]));
  let writes = 0;
  return {
    saved,
    ids: async () => [...saved.keys(), ...unreadable],
    save: async (r: ResultRecord) => {
      if (writes >= failAfter) throw new ResultsStorageError("The browser's storage for this site is full, so the result was not saved.", 'quota');
      writes += 1;
      saved.set(r.id, r);
    },
  };
}

const now = new Date('2026-12-07T17:00:00Z');

describe('importHistory', () => {
  it('adds the results not yet here and leaves those already here untouched', async () => {
    const mine = { ...record('b'), outputs: { report: 'my own edit of b' } };
    const db = memoryDb([mine]);
    const summary = await importHistory(buildHistoryArchive([record('a'), record('b'), record('c')], now).bytes, 'h.zip', db);
    expect(summary).toEqual({ imported: 2, alreadyHere: 1, skipped: [], stoppedBy: null, notReached: 0 });
    expect([...db.saved.keys()].sort()).toEqual(['a', 'b', 'c']);
    expect(db.saved.get('b')?.outputs.report).toBe('my own edit of b');
    expect(describeImport(summary)).toBe('Imported 2 results. 1 result was already here and is left as it is.');
  });

  it('never overwrites a stored record this version cannot read (its id is still taken)', async () => {
    const db = memoryDb([], Infinity, ['newer']);
    const summary = await importHistory(buildHistoryArchive([record('newer'), record('a')], now).bytes, 'h.zip', db);
    expect(summary).toMatchObject({ imported: 1, alreadyHere: 1 });
    expect([...db.saved.keys()]).toEqual(['a']);
  });

  it('stops at full storage, keeping what it added and everything that was there', async () => {
    const db = memoryDb([record('old'), record('c')], 1);
    const summary = await importHistory(buildHistoryArchive([record('a'), record('b'), record('c'), record('d')], now).bytes, 'h.zip', db);
    // b and d were still to add; c was already here.
    expect(summary).toMatchObject({ imported: 1, notReached: 2 });
    expect([...db.saved.keys()].sort()).toEqual(['a', 'c', 'old']);
    expect(describeImport(summary)).toBe(
      "Imported 1 result. The import stopped with 2 results still to add: The browser's storage for this site is full, so the result was not saved.",
    );
  });

  it('refuses a file that is not an archive before touching History', async () => {
    const db = memoryDb([record('old')]);
    await expect(importHistory(new TextEncoder().encode('not a zip'), 'notes.txt', db)).rejects.toThrow('"notes.txt" is not a ZIP archive');
    expect([...db.saved.keys()]).toEqual(['old']);
  });

  it('counts what it had to leave out', () => {
    expect(describeImport({ imported: 0, alreadyHere: 2, skipped: ['x'], stoppedBy: null, notReached: 0 })).toBe(
      'Imported 0 results. 2 results were already here and are left as they are. 1 result could not be read and was left out.',
    );
  });
});
