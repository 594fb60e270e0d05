/**
 * @file One reader's pass through a study: the reader's order, answers so far and where they are. The session is
 * saved after every answer (vtt-db.ts), and the current case is always `order[answers.length]`, so a reload
 * resumes exactly where the reader left off.
 *
 * Answers are append-only and hash-chained (each answer's `chain` is SHA-256 of the previous link plus the
 * answer's canonical JSON): an edited or dropped answer shows up in `verifyAnswerChain`.
 */
import { canonicalJson, sha256Hex } from './canonical-json';
import type { DisplayCheck } from './display-check';
import { readerOrder } from './reader-order';
import type { PracticeCase, Study, Truth } from './study';

export interface ReaderProfile {
  readonly readerId: string;
  /** Pseudonym shown on screen and in exports (e.g. "R1"); never a real name. */
  readonly label: string;
  /** Free text such as "thoracic radiologist", "resident"; may be empty. */
  readonly role: string;
  readonly yearsExperience: number | null;
  /** Free text, e.g. "thoracic"; absent when not asked (older sessions) or left empty. */
  readonly subspecialty?: string | undefined;
  /** Whether the reader had looked at synthetic chest X-rays before; absent in older sessions. */
  readonly priorSyntheticExposure?: boolean | undefined;
}

/** What the reader's screen was like when the session started (the doc's "display context"). */
export interface DisplayContext {
  readonly screenWidth: number;
  readonly screenHeight: number;
  readonly viewportWidth: number;
  readonly viewportHeight: number;
  readonly devicePixelRatio: number;
  readonly userAgent: string;
  /** The reader's grey-step check and monitor and room light; absent until done (and in older sessions). */
  readonly check?: DisplayCheck | undefined;
}

export interface CaseTiming {
  /** Wall-clock time the case appeared (ISO). */
  readonly shownAt: string;
  /** Active milliseconds (pauses excluded) from showing the case to the first answer key; null if none. */
  readonly firstInputMs: number | null;
  /** Active milliseconds (pauses excluded) from showing the case to submitting the answer. */
  readonly answerMs: number;
  readonly pauses: number;
}

/** How the reader handled the image before answering (evaluation-and-vtt.md §3.3: W/L, zoom and pan counts). */
export interface ViewingCounts {
  /** Window/level drags. */
  readonly windowLevel: number;
  /** Zoom gestures (a burst of wheel steps counts once). */
  readonly zoom: number;
  /** Pan drags. */
  readonly pan: number;
  /** Resets to the initial view (double-click). */
  readonly resets: number;
}

export type ViewingAction = keyof ViewingCounts;

export const NO_VIEWING: ViewingCounts = { windowLevel: 0, zoom: 0, pan: 0, resets: 0 };

export function countViewing(counts: ViewingCounts, action: ViewingAction): ViewingCounts {
  return { ...counts, [action]: counts[action] + 1 };
}

export interface CaseAnswer {
  readonly caseId: string;
  /** Position in this reader's order (0-based). */
  readonly orderIndex: number;
  /** `unreadable`: the image could not be shown; the case is skipped and left out of the analysis. */
  readonly status: 'answered' | 'unreadable';
  readonly call: Truth | null;
  /** 1 = guessing … confidenceLevels = certain. */
  readonly confidence: number | null;
  /** Ordinal ROC rating: 1 = certain real … 2 × confidenceLevels = certain synthetic. */
  readonly rating: number | null;
  /** Realism, Likert 1 (clearly artificial) – 5 (indistinguishable from a real radiograph). */
  readonly realism: number | null;
  readonly plausible: boolean | null;
  readonly findings: readonly string[];
  /** The cues the call rested on, in `CUES` order (absent in answers recorded before cues were asked). */
  readonly cues?: readonly string[] | undefined;
  /** The reader's comment on the case; null when none (absent in older answers). */
  readonly comment?: string | null | undefined;
  /** Window/level, zoom and pan on this case (absent in older answers). */
  readonly viewing?: ViewingCounts | undefined;
  readonly timing: CaseTiming;
  /** Why the case was skipped (unreadable image); null otherwise. */
  readonly note: string | null;
}

export interface ChainedAnswer extends CaseAnswer {
  readonly chain: string;
}

/** A practice answer: kept for the record, flagged as practice by living apart from `answers`, never analysed. */
export interface PracticeAnswer {
  readonly caseId: string;
  readonly call: Truth;
  readonly confidence: number;
  readonly correct: boolean;
  readonly answeredAt: string;
}

/** The reader's agreement to the study's instructions (which text: its SHA-256). */
export interface ReaderConsent {
  readonly instructionsSha256: string;
  readonly agreedAt: string;
}

export interface ReaderSession {
  readonly studyId: string;
  readonly reader: ReaderProfile;
  /** Absent until the reader agrees (and in sessions of studies without instructions, or from older versions). */
  readonly consent?: ReaderConsent | undefined;
  /** Practice cases answered so far, in order (absent before the first, and in studies without practice). */
  readonly practice?: readonly PracticeAnswer[] | undefined;
  readonly order: readonly string[];
  readonly answers: readonly ChainedAnswer[];
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly completedAt: string | null;
  readonly display: DisplayContext | null;
  /**
   * When the reader finished the start screen (profile, consent and, in image studies, the display check); absent
   * before that and in sessions from before this field, where `display.check` marks it instead.
   */
  readonly startedAt?: string | undefined;
}

/**
 * Whether the reader is past the start screen: it was saved (`startedAt`, or the display check of older image
 * sessions) or answers exist. A report study has no display check, so `startedAt` is its only mark.
 */
export function hasStartedReading(session: Pick<ReaderSession, 'answers' | 'display' | 'startedAt'>): boolean {
  return session.answers.length > 0 || session.startedAt !== undefined || session.display?.check !== undefined;
}

/** The chain starts from the study and reader, so answers cannot be moved between sessions unnoticed. */
function chainSeed(session: Pick<ReaderSession, 'studyId' | 'reader'>): string {
  return `${session.studyId}:${session.reader.readerId}`;
}

export function createSession(study: Pick<Study, 'studyId' | 'settings' | 'cases'>, reader: ReaderProfile, now: string): ReaderSession {
  return {
    studyId: study.studyId,
    reader,
    order: readerOrder(
      study.cases.map((c) => c.caseId),
      study.settings.seed,
      reader.readerId,
      study.settings.repeats ?? 0,
    ),
    answers: [],
    createdAt: now,
    updatedAt: now,
    completedAt: null,
    display: null,
  };
}

/**
 * For each answer, whether it is a second reading of its case (an earlier answer of the session has the same
 * case). Second readings feed intra-reader agreement only, never the accuracy or ROC numbers.
 */
export function repeatFlags(answers: readonly Pick<CaseAnswer, 'caseId'>[]): boolean[] {
  const seen = new Set<string>();
  return answers.map((a) => {
    const repeat = seen.has(a.caseId);
    seen.add(a.caseId);
    return repeat;
  });
}

/** The practice case to show now: the next one, until the reader has done them all or begun the study itself. */
export function nextPracticeCase(study: Pick<Study, 'practice'>, session: Pick<ReaderSession, 'answers' | 'practice'>): PracticeCase | null {
  if (session.answers.length > 0) return null;
  return study.practice?.[session.practice?.length ?? 0] ?? null;
}

/** The session with a practice answer added (outside the answer chain: practice is never analysed). */
export function recordPractice(session: ReaderSession, practiceCase: PracticeCase, call: Truth, confidence: number, now: string): ReaderSession {
  const answer: PracticeAnswer = { caseId: practiceCase.caseId, call, confidence, correct: call === practiceCase.truth, answeredAt: now };
  return { ...session, practice: [...(session.practice ?? []), answer], updatedAt: now };
}

/** The case id to show now, or null when the reader has finished. */
export function currentCaseId(session: Pick<ReaderSession, 'order' | 'answers'>): string | null {
  return session.order[session.answers.length] ?? null;
}

export function sessionProgress(session: Pick<ReaderSession, 'order' | 'answers'>): { done: number; total: number } {
  return { done: session.answers.length, total: session.order.length };
}

async function link(previous: string, answer: CaseAnswer): Promise<string> {
  return sha256Hex(`${previous}\n${canonicalJson(answer)}`);
}

/**
 * The session with `answer` appended. Refuses an answer for any case but the current one (a stale key press
 * after a reload must not answer the wrong case).
 */
export async function appendAnswer(session: ReaderSession, answer: CaseAnswer, now: string): Promise<ReaderSession> {
  const expected = currentCaseId(session);
  if (expected === null) throw new Error('This reader has already answered every case.');
  if (answer.caseId !== expected) throw new Error(`The answer is for case ${answer.caseId}, but the current case is ${expected}.`);
  if (answer.orderIndex !== session.answers.length) throw new Error('The answer is out of order.');
  const previous = session.answers[session.answers.length - 1]?.chain ?? chainSeed(session);
  const chained: ChainedAnswer = { ...answer, chain: await link(previous, answer) };
  const answers = [...session.answers, chained];
  return { ...session, answers, updatedAt: now, completedAt: answers.length === session.order.length ? now : null };
}

/** True when every answer's chain link matches its content and predecessor. */
export async function verifyAnswerChain(session: ReaderSession): Promise<boolean> {
  let previous = chainSeed(session);
  for (const chained of session.answers) {
    const { chain, ...answer } = chained;
    if ((await link(previous, answer)) !== chain) return false;
    previous = chain;
  }
  return true;
}

/** Readers in a stable display order: by label, then id. */
export function sortSessions<T extends Pick<ReaderSession, 'reader'>>(sessions: readonly T[]): T[] {
  return [...sessions].sort((a, b) => a.reader.label.localeCompare(b.reader.label, undefined, { numeric: true }) || a.reader.readerId.localeCompare(b.reader.readerId));
}
