/**
 * @file Saving the reader sessions of an imported study file (pooling one study read on several machines). Each
 * reader is decided under its lock, on the copy stored at that moment: a reader new here is added (renamed if
 * another reader has the pseudonym); a reader this machine has is taken further only when the file's copy is this
 * one gone further (`compareReaderSessions`), so a reader reading here at that moment is never written over.
 * Nothing saved here is ever replaced by something that disagrees with it.
 */
import { compareReaderSessions, importedLabel, type SessionImportReport } from '../domain/vtt/session-merge';
import { sortSessions, verifyAnswerChain, type ReaderSession } from '../domain/vtt/reader-session';
import { withReaderLock, type ReaderLocks, type VttDb } from './vtt-db';

export const STUDY_GONE_DURING_IMPORT = 'The study was deleted on this machine while its file was being imported; the import stopped there.';

export async function importReaderSessions(db: VttDb, studyId: string, sessions: readonly ReaderSession[], locks?: ReaderLocks | null): Promise<SessionImportReport> {
  const labels = new Set((await db.listSessions(studyId)).map((s) => s.reader.label));
  const report = {
    added: [] as string[],
    renamed: [] as [string, string][],
    updated: [] as { label: string; progress: string }[],
    unchanged: [] as string[],
    diverged: [] as { label: string; reason: string }[],
    unverified: [] as string[],
  };
  // In reader order (R1, R2, …), so the import's message lists readers the same way every time.
  for (const session of sortSessions(sessions)) {
    const verifies = await verifyAnswerChain(session);
    await withReaderLock(
      studyId,
      session.reader.readerId,
      async () => {
        const stored = await db.getSession(studyId, session.reader.readerId);
        if (!stored) {
          // Deleted in another tab meanwhile: write nothing under a study that is gone.
          if (!(await db.getStudy(studyId))) throw new Error(STUDY_GONE_DURING_IMPORT);
          const label = importedLabel(session.reader.label, labels);
          labels.add(label);
          await db.saveSession(label === session.reader.label ? session : { ...session, reader: { ...session.reader, label } });
          report.added.push(label);
          if (label !== session.reader.label) report.renamed.push([session.reader.label, label]);
          return;
        }
        const label = stored.reader.label;
        const comparison = compareReaderSessions(stored, session, verifies);
        switch (comparison.kind) {
          case 'further-in-file':
            // The reader keeps the pseudonym it has here.
            await db.saveSession({ ...session, reader: { ...session.reader, label } });
            report.updated.push({ label, progress: comparison.progress });
            break;
          case 'diverged':
            report.diverged.push({ label, reason: comparison.reason });
            break;
          case 'unverified':
            report.unverified.push(label);
            break;
          case 'same':
          case 'further-here':
            report.unchanged.push(label);
            break;
        }
      },
      locks,
    );
  }
  return report;
}
