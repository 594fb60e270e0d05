/**
 * @file Saving the reader sessions of an imported study file (pooling one study read on several machines). A new
 * reader is added (renamed if another reader here has the pseudonym); a reader this machine already has is taken
 * further only when the file's copy is this one gone further (`compareReaderSessions`), under the reader's lock, so
 * a reader reading here at that moment is never written over. Nothing saved here is ever replaced by something
 * that disagrees with it.
 */
import { compareReaderSessions, importedLabel, type SessionComparison, type SessionImportReport } from '../domain/vtt/session-merge';
import { verifyAnswerChain, type ReaderSession } from '../domain/vtt/reader-session';
import { saveReaderStep, type ReaderLocks, type VttDb } from './vtt-db';

export async function importReaderSessions(db: VttDb, studyId: string, sessions: readonly ReaderSession[], locks?: ReaderLocks | null): Promise<SessionImportReport> {
  const here = await db.listSessions(studyId);
  const byId = new Map(here.map((s) => [s.reader.readerId, s]));
  const labels = new Set(here.map((s) => s.reader.label));
  const report = { added: [] as string[], renamed: [] as [string, string][], updated: [] as SessionImportReport['updated'][number][], unchanged: [] as string[], diverged: [] as { label: string; reason: string }[] };

  const addNew = async (session: ReaderSession) => {
    const label = importedLabel(session.reader.label, labels);
    labels.add(label);
    await db.saveSession(label === session.reader.label ? session : { ...session, reader: { ...session.reader, label } });
    report.added.push(label);
    if (label !== session.reader.label) report.renamed.push([session.reader.label, label]);
  };

  for (const session of sessions) {
    const known = byId.get(session.reader.readerId);
    if (!known) {
      await addNew(session);
      continue;
    }
    const verifies = await verifyAnswerChain(session);
    // Decided on the copy read under the lock, not the one listed above: the reader may have answered meanwhile.
    const decided: { comparison: SessionComparison } = { comparison: { kind: 'same' } };
    const saved = await saveReaderStep(
      db,
      studyId,
      session.reader.readerId,
      (stored) => {
        decided.comparison = compareReaderSessions(stored, session, verifies);
        return decided.comparison.kind === 'further-in-file';
      },
      // The reader keeps the pseudonym it has here.
      (stored) => ({ ...session, reader: { ...session.reader, label: stored.reader.label } }),
      locks,
    );
    const { comparison } = decided;
    const label = known.reader.label;
    // Deleted here while importing: the file's copy is all there is now.
    if (saved.kind === 'gone') {
      labels.delete(label);
      await addNew(session);
    } else if (comparison.kind === 'further-in-file') report.updated.push({ label, answersHere: comparison.answersHere, answersInFile: comparison.answersInFile });
    else if (comparison.kind === 'diverged') report.diverged.push({ label, reason: comparison.reason });
    else report.unchanged.push(label);
  }
  return report;
}
