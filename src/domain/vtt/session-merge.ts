/**
 * @file Pooling reader sessions from study files (one study read on several offline machines): how an imported
 * session relates to the one this machine holds for the same reader, what to call an imported reader whose
 * pseudonym another reader here already has, and the import's summary in words.
 *
 * A reader may move between machines mid-study (the coordinator exports the study file with answers, the reader
 * goes on elsewhere, the file comes back). Answers are append-only and hash-chained, so the two copies either agree
 * on every answer they both have, and the longer one is the same reader further on, or they differ somewhere, and
 * neither may replace the other.
 */
import { hasStartedReading, type ReaderSession } from './reader-session';

export type SessionComparison =
  /** The file's copy is this machine's, gone further (more answers, practice answers, or past the start screen). */
  | { readonly kind: 'further-in-file'; readonly answersHere: number; readonly answersInFile: number }
  | { readonly kind: 'same' }
  /** This machine's copy is the further one: the file adds nothing. */
  | { readonly kind: 'further-here' }
  /** The copies disagree on an answer both hold (or the file's log does not verify): neither replaces the other. */
  | { readonly kind: 'diverged'; readonly reason: string };

/** How far a session has gone, in reading order: past the start screen, practice answers, answers. */
function progress(session: ReaderSession): [number, number, number] {
  return [hasStartedReading(session) ? 1 : 0, session.practice?.length ?? 0, session.answers.length];
}

function compareProgress(a: [number, number, number], b: [number, number, number]): number {
  for (let i = 0; i < 3; i++) {
    const d = (a[i] as number) - (b[i] as number);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * `inFileChainVerifies`: whether the file's copy passes `verifyAnswerChain` (async, so the caller checks it first); a
 * copy that does not verify never replaces this machine's.
 */
export function compareReaderSessions(here: ReaderSession, inFile: ReaderSession, inFileChainVerifies: boolean): SessionComparison {
  const common = Math.min(here.answers.length, inFile.answers.length);
  for (let i = 0; i < common; i++) {
    if (here.answers[i]?.chain !== inFile.answers[i]?.chain) return { kind: 'diverged', reason: `the answers differ from case ${i + 1} on` };
  }
  const practiceHere = here.practice ?? [];
  const practiceInFile = inFile.practice ?? [];
  for (let i = 0; i < Math.min(practiceHere.length, practiceInFile.length); i++) {
    const a = practiceHere[i];
    const b = practiceInFile[i];
    if (a?.caseId !== b?.caseId || a?.call !== b?.call || a?.confidence !== b?.confidence || a?.answeredAt !== b?.answeredAt) {
      return { kind: 'diverged', reason: `the practice answers differ from practice case ${i + 1} on` };
    }
  }
  const order = compareProgress(progress(inFile), progress(here));
  if (order === 0) return { kind: 'same' };
  if (order < 0) return { kind: 'further-here' };
  if (!inFileChainVerifies) return { kind: 'diverged', reason: "the file's answer log does not verify (answers were changed outside the studio)" };
  return { kind: 'further-in-file', answersHere: here.answers.length, answersInFile: inFile.answers.length };
}

/** The pseudonym an imported reader gets: its own, or "R1 (2)", "R1 (3)", … when another reader here has it. */
export function importedLabel(label: string, taken: ReadonlySet<string>): string {
  if (!taken.has(label)) return label;
  for (let n = 2; ; n++) {
    const candidate = `${label} (${n})`;
    if (!taken.has(candidate)) return candidate;
  }
}

/** What an import did with the file's sessions, reader by reader. */
export interface SessionImportReport {
  /** New readers, by the label they got. */
  readonly added: readonly string[];
  /** New readers renamed because another reader here has their pseudonym: [label in the file, label here]. */
  readonly renamed: readonly (readonly [string, string])[];
  /** Readers this machine had, taken further from the file. */
  readonly updated: readonly { readonly label: string; readonly answersHere: number; readonly answersInFile: number }[];
  /** Readers as far along here as in the file, or further: left as they are. */
  readonly unchanged: readonly string[];
  /** Readers whose copies disagree: left as they are here, the file's copy not imported. */
  readonly diverged: readonly { readonly label: string; readonly reason: string }[];
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The import's summary after "Imported …;" or "… was already here;": every reader the file held is accounted for. */
export function describeSessionImport(report: SessionImportReport): string {
  const parts = [`${plural(report.added.length, 'reader session')} added.`];
  for (const [inFile, here] of report.renamed) parts.push(`The file's ${inFile} is called ${here} here: another reader here is already called ${inFile}.`);
  if (report.updated.length > 0) {
    const each = report.updated.map((u) => `${u.label} (${u.answersHere} → ${plural(u.answersInFile, 'answer')})`);
    parts.push(`Went on from the file, where these readers had read further: ${each.join(', ')}.`);
  }
  if (report.unchanged.length > 0) parts.push(`Already as far along here, left as they are: ${report.unchanged.join(', ')}.`);
  if (report.diverged.length > 0) {
    const each = report.diverged.map((d) => `${d.label} (${d.reason})`);
    parts.push(`Not imported, because this machine and the file hold different answers for the same reader: ${each.join('; ')}. This machine keeps its own; nothing saved here was changed.`);
  }
  return parts.join(' ');
}
