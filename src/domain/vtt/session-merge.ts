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
  /** The file's copy is this machine's, gone further; `progress` says how ("3 → 8 answers", "practice 1 → 2"). */
  | { readonly kind: 'further-in-file'; readonly progress: string }
  | { readonly kind: 'same' }
  /** This machine's copy is the further one: the file adds nothing. */
  | { readonly kind: 'further-here' }
  /** The copies disagree on an answer both hold, or each went further in its own way: neither replaces the other. */
  | { readonly kind: 'diverged'; readonly reason: string }
  /** The file's copy would take this reader further, but its answer log does not verify. */
  | { readonly kind: 'unverified' };

/** How far a session has gone, stage by stage: past the start screen, practice answers, answers. */
function stages(session: ReaderSession): readonly [number, number, number] {
  return [hasStartedReading(session) ? 1 : 0, session.practice?.length ?? 0, session.answers.length];
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function progressText(here: readonly [number, number, number], inFile: readonly [number, number, number]): string {
  if (inFile[2] !== here[2]) return `${here[2]} → ${plural(inFile[2], 'answer')}`;
  if (inFile[1] !== here[1]) return `practice ${here[1]} → ${inFile[1]}`;
  return 'start screen done';
}

/**
 * `inFileChainVerifies`: whether the file's copy passes `verifyAnswerChain` (async, so the caller checks it first); a
 * copy that does not verify never replaces this machine's. Stages are compared one by one: the file's copy is
 * further only if it is at least as far in every stage.
 */
export function compareReaderSessions(here: ReaderSession, inFile: ReaderSession, inFileChainVerifies: boolean): SessionComparison {
  const common = Math.min(here.answers.length, inFile.answers.length);
  for (let i = 0; i < common; i++) {
    if (here.answers[i]?.chain !== inFile.answers[i]?.chain) return { kind: 'diverged', reason: `the answers differ from answer ${i + 1} on` };
  }
  const practiceHere = here.practice ?? [];
  const practiceInFile = inFile.practice ?? [];
  for (let i = 0; i < Math.min(practiceHere.length, practiceInFile.length); i++) {
    const a = practiceHere[i];
    const b = practiceInFile[i];
    if (a?.caseId !== b?.caseId || a?.call !== b?.call || a?.confidence !== b?.confidence || a?.answeredAt !== b?.answeredAt) {
      return { kind: 'diverged', reason: `the practice answers differ from practice answer ${i + 1} on` };
    }
  }
  const h = stages(here);
  const f = stages(inFile);
  const fileAhead = f.some((x, i) => x > (h[i] as number));
  const hereAhead = h.some((x, i) => x > (f[i] as number));
  if (fileAhead && hereAhead) return { kind: 'diverged', reason: 'each copy has gone further in its own way' };
  if (hereAhead) return { kind: 'further-here' };
  if (!fileAhead) return { kind: 'same' };
  if (!inFileChainVerifies) return { kind: 'unverified' };
  return { kind: 'further-in-file', progress: progressText(h, f) };
}

/**
 * The pseudonym an imported reader gets: its own, or "R1 (2)", "R1 (3)", … when another reader has it (a taken
 * "R1 (2)" becomes "R1 (3)", not "R1 (2) (2)").
 */
export function importedLabel(label: string, taken: ReadonlySet<string>): string {
  if (!taken.has(label)) return label;
  const base = label.replace(/ \(\d+\)$/, '');
  for (let n = 2; ; n++) {
    const candidate = `${base} (${n})`;
    if (!taken.has(candidate)) return candidate;
  }
}

/** What an import did with the file's sessions, reader by reader. */
export interface SessionImportReport {
  /** New readers, by the label they got. */
  readonly added: readonly string[];
  /** New readers renamed because another reader already has their pseudonym: [label in the file, label here]. */
  readonly renamed: readonly (readonly [string, string])[];
  /** Readers this machine had, taken further from the file. */
  readonly updated: readonly { readonly label: string; readonly progress: string }[];
  /** Readers as far along here as in the file, or further: left as they are. */
  readonly unchanged: readonly string[];
  /** Readers whose copies disagree: left as they are here, the file's copy not imported. */
  readonly diverged: readonly { readonly label: string; readonly reason: string }[];
  /** Readers the file would take further, but whose answer log in the file does not verify: not imported. */
  readonly unverified: readonly string[];
}

/** The import's summary after "Imported …;" or "… was already here;": every reader the file held is accounted for. */
export function describeSessionImport(report: SessionImportReport): string {
  const parts = [`${plural(report.added.length, 'reader session')} added.`];
  for (const [inFile, here] of report.renamed) parts.push(`The file's ${inFile} is called ${here} here: another reader is already called ${inFile}.`);
  if (report.updated.length > 0) {
    parts.push(`Went on from the file, where these readers had got further: ${report.updated.map((u) => `${u.label} (${u.progress})`).join(', ')}.`);
  }
  if (report.unchanged.length > 0) parts.push(`Already as far along here, left as they are: ${report.unchanged.join(', ')}.`);
  if (report.diverged.length > 0) {
    const each = report.diverged.map((d) => `${d.label} (${d.reason})`);
    parts.push(`Not imported, because this machine and the file hold different answers for the same reader: ${each.join('; ')}. This machine keeps its own.`);
  }
  if (report.unverified.length > 0) {
    parts.push(`Not imported, because the file's answer log does not verify (answers were changed outside the studio): ${report.unverified.join(', ')}. This machine keeps its own.`);
  }
  if (report.diverged.length + report.unverified.length > 0) parts.push('Nothing saved here for them was changed.');
  return parts.join(' ');
}
