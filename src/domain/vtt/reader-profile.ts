/**
 * @file What a reader says about themselves before the first case (evaluation-and-vtt.md §3.3: "role, years of
 * experience, subspecialty, prior exposure to synthetic CXRs"). Pseudonymous: no name, and nothing here is asked
 * again once reading has begun.
 */
import { describeDisplayCheck } from './display-check';
import { hasStartedReading, type ReaderConsent, type ReaderProfile, type ReaderSession } from './reader-session';

export const READER_ROLES: readonly string[] = ['Radiologist', 'Radiology resident', 'Radiographer', 'Other clinician', 'Medical student', 'Non-clinical'];

export const MAX_YEARS = 60;
export const MAX_SUBSPECIALTY_LENGTH = 80;

/** The profile fields a reader fills in (the label and id come from the study). */
export type ProfileAnswers = Pick<ReaderProfile, 'role' | 'yearsExperience'> & {
  readonly subspecialty: string;
  readonly priorSyntheticExposure: boolean;
};

/** Years of experience from the form's text: null when left empty, a sentence when it is not a whole number 0–60. */
export function parseYears(text: string): number | null | { readonly problem: string } {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  const years = Number(trimmed);
  if (!/^\d+$/.test(trimmed) || years > MAX_YEARS) return { problem: `Years of experience must be a whole number from 0 to ${MAX_YEARS}, or empty.` };
  return years;
}

/** One line about a reader for the analysis, e.g. "Radiologist, 12 years, thoracic; has seen synthetic X-rays". */
export function describeReader(reader: ReaderProfile, kind: 'image' | 'report' = 'image'): string {
  const parts = [reader.role.trim() || 'role not given'];
  if (reader.yearsExperience !== null) parts.push(`${reader.yearsExperience} year${reader.yearsExperience === 1 ? '' : 's'}`);
  if (reader.subspecialty) parts.push(reader.subspecialty);
  // a report study asked about generated reports, an image study about generated X-rays
  const what = kind === 'report' ? 'synthetic X-ray reports' : 'synthetic X-rays';
  const exposure = reader.priorSyntheticExposure === undefined ? '' : reader.priorSyntheticExposure ? `; has seen ${what} before` : `; new to ${what}`;
  return `${parts.join(', ')}${exposure}`;
}

/** The reader's practice, e.g. "practice 1 of 2 right"; empty when the study has none or the reader has not begun it. */
export function describePractice(answers: readonly { readonly correct: boolean }[] | undefined): string {
  if (!answers || answers.length === 0) return '';
  return `practice ${answers.filter((a) => a.correct).length} of ${answers.length} right`;
}

/**
 * Whether the reader agreed to the study's instructions, and to which text: `instructionsSha256` is the hash of
 * the study's current instructions (null when the study has none).
 */
export function describeConsent(consent: ReaderConsent | undefined, instructionsSha256: string | null): string {
  if (instructionsSha256 === null) return 'no instructions in this study';
  if (!consent) return 'no consent recorded';
  const day = consent.agreedAt.slice(0, 10);
  return consent.instructionsSha256 === instructionsSha256
    ? `agreed to the instructions on ${day}`
    : `agreed on ${day} to other instructions (SHA-256 ${consent.instructionsSha256.slice(0, 12)}…), not the study's current text`;
}

/**
 * The analysis's and the summary's line about one reader, e.g. "R1: Radiologist, 12 years. Display: both grey steps
 * seen · Laptop screen · Office light. Consent: agreed to the instructions on 2026-12-01. Practice 2 of 2 right (not
 * analysed)." Report studies have no display check, so no display part. `instructionsSha256`: the hash of the
 * study's instructions, null when it has none, undefined while it is being computed (no consent part yet).
 */
export function describeReaderSession(session: ReaderSession, kind: 'image' | 'report', instructionsSha256: string | null | undefined): string {
  const parts = [`${session.reader.label}: ${describeReader(session.reader, kind)}.`];
  if (kind === 'image') parts.push(`Display: ${describeDisplayCheck(session.display?.check)}.`);
  if (instructionsSha256 !== undefined) {
    const started = instructionsSha256 === null || session.consent !== undefined || hasStartedReading(session);
    parts.push(`Consent: ${started ? describeConsent(session.consent, instructionsSha256) : 'not started yet'}.`);
  }
  const practice = describePractice(session.practice);
  if (practice !== '') parts.push(`${practice.charAt(0).toUpperCase()}${practice.slice(1)} (not analysed).`);
  return parts.join(' ');
}
