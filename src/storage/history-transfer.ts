/**
 * @file History → Export all / Import: the archive (domain/io/history-archive.ts) against the results store. An
 * import only adds: a result already in History (same id) is left as it is, so nothing saved is ever replaced, and
 * a storage failure part-way stops the import with what was added so far kept.
 */
import { readHistoryArchive } from '../domain/io/history-archive';
import { errorSentence } from '../domain/error-sentence';
import type { ResultsDb } from './results-db';

export interface ImportSummary {
  readonly imported: number;
  readonly alreadyHere: number;
  /** Entries of the archive left out, one sentence each. */
  readonly skipped: readonly string[];
  /** Why the import stopped early (full storage, say); null when it went through. */
  readonly stoppedBy: string | null;
  /** Results the archive held that were neither added nor already here because the import stopped. */
  readonly notReached: number;
}

export async function importHistory(bytes: Uint8Array, fileName: string, db: Pick<ResultsDb, 'ids' | 'save'>): Promise<ImportSummary> {
  const { records, skipped } = readHistoryArchive(bytes, fileName);
  // Every stored id, also of records this version cannot read: those must never be overwritten either.
  const existing = new Set(await db.ids());
  let imported = 0;
  let alreadyHere = 0;
  for (const [i, record] of records.entries()) {
    if (existing.has(record.id)) {
      alreadyHere += 1;
      continue;
    }
    try {
      await db.save(record);
      imported += 1;
    } catch (error) {
      const stoppedBy = errorSentence(error, 'The browser refused to store a result.');
      const notReached = records.slice(i).filter((r) => !existing.has(r.id)).length;
      return { imported, alreadyHere, skipped, stoppedBy, notReached };
    }
  }
  return { imported, alreadyHere, skipped, stoppedBy: null, notReached: 0 };
}

const results = (n: number) => `${n} result${n === 1 ? '' : 's'}`;

/** What the import did, in one or two sentences for the History screen. */
export function describeImport(summary: ImportSummary): string {
  const parts = [`Imported ${results(summary.imported)}.`];
  if (summary.alreadyHere > 0) {
    parts.push(`${results(summary.alreadyHere)} ${summary.alreadyHere === 1 ? 'was already here and is left as it is' : 'were already here and are left as they are'}.`);
  }
  if (summary.skipped.length > 0) parts.push(`${results(summary.skipped.length)} could not be read and ${summary.skipped.length === 1 ? 'was' : 'were'} left out.`);
  if (summary.stoppedBy) parts.push(`The import stopped with ${results(summary.notReached)} still to add: ${summary.stoppedBy}`);
  return parts.join(' ');
}
