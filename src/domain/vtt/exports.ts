/**
 * @file Exports of a study's readings (pure text builders; the UI saves them as files).
 *
 * - `.imrmc`: the iMRMC input format (description, `NR/N0/N1/NM` header lines, `BEGIN DATA:`, then
 *   `readerID,caseID,modalityID,score` rows; one truth row per case with readerID −1, modalityID 0 and score
 *   0 = real / 1 = synthetic). Readers, cases and the modality are integers because RJafroc's
 *   `DfReadDataFile(format = "iMRMC")` requires that; iMRMC itself accepts them as well.
 * - long CSV `reader,treatment,case,truth,rating` (integers): MRMCaov's long layout and, by column position,
 *   RJafroc's `format = "MRMC"` .csv reader.
 * - answers CSV: every recorded field per reading (also the MRMCbinary layout: reader, case, truth01, call01, after
 *   keeping the rows with `repeat` 0: second readings of a case have their own rows).
 * - JSON: study settings, the key, every answer and the computed analysis.
 * The rating is the ordinal call × confidence score, higher = more confident "synthetic" (the positive class).
 */
import { describeFindingTruth } from './case-findings';
import type { StudyAnalysis } from './analysis';
import type { ReaderSession } from './reader-session';
import { repeatFlags, sortSessions } from './reader-session';
import { describeSource, ratingPoints, type Study } from './study';

/** The one "modality" of a VTT (the readers' condition), for MRMC tools that compare several. */
export const VTT_MODALITY_ID = 1;

export interface Numbering {
  /** readerId → 1-based number. */
  readonly readers: ReadonlyMap<string, number>;
  /** caseId → 1-based number. */
  readonly cases: ReadonlyMap<string, number>;
}

/** Integer ids for readers (display order) and cases (key order); the JSON export maps them back. */
export function numbering(study: Study, sessions: readonly ReaderSession[]): Numbering {
  const readers = new Map(sortSessions(sessions.filter((s) => s.studyId === study.studyId)).map((s, i) => [s.reader.readerId, i + 1]));
  const cases = new Map(study.key.map((k, i) => [k.caseId, i + 1]));
  return { readers, cases };
}

interface Row {
  readonly reader: number;
  readonly caseNumber: number;
  readonly truth01: 0 | 1;
  readonly rating: number;
}

function ratingRows(study: Study, sessions: readonly ReaderSession[]): Row[] {
  const ids = numbering(study, sessions);
  const truth = new Map(study.key.map((k) => [k.caseId, k.truth]));
  const rows: Row[] = [];
  for (const session of sortSessions(sessions.filter((s) => s.studyId === study.studyId))) {
    const reader = ids.readers.get(session.reader.readerId) ?? 0;
    // One rating per reader and case, as MRMC tools require: second readings (study repeats) stay out.
    const repeat = repeatFlags(session.answers);
    for (const [index, answer] of session.answers.entries()) {
      const caseNumber = ids.cases.get(answer.caseId);
      if (caseNumber === undefined || repeat[index] === true || answer.status !== 'answered' || answer.rating === null) continue;
      rows.push({ reader, caseNumber, truth01: truth.get(answer.caseId) === 'synthetic' ? 1 : 0, rating: answer.rating });
    }
  }
  return rows.sort((a, b) => a.reader - b.reader || a.caseNumber - b.caseNumber);
}

/** Makes free text safe on one description line (no line breaks, never mistaken for a header key). */
function descriptionText(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').replace(/:/g, ' -');
}

/** The iMRMC input file (`.imrmc`), readable by iMRMC and by RJafroc `DfReadDataFile(..., format = "iMRMC")`. */
export function toImrmc(study: Study, sessions: readonly ReaderSession[]): string {
  const ids = numbering(study, sessions);
  const rows = ratingRows(study, sessions);
  const readersWithData = new Set(rows.map((r) => r.reader));
  const real = study.key.filter((k) => k.truth === 'real').length;
  const lines = [
    `MedCoDi Studio visual Turing test ${descriptionText(study.settings.title)} - study ${study.studyId}`,
    `Score = ${ratingPoints(study.settings.questions)}-point rating (1 = certain real, ${ratingPoints(study.settings.questions)} = certain synthetic). Truth 1 = synthetic, 0 = real.`,
    `Readers ${[...ids.readers.entries()].filter(([, n]) => readersWithData.has(n)).map(([id, n]) => `${n} = ${descriptionText(sessions.find((s) => s.reader.readerId === id)?.reader.label ?? id)}`).join(', ')}`,
    'Case numbers map to case ids in the JSON export.',
    '',
    `NR: ${readersWithData.size}`,
    `N0: ${real}`,
    `N1: ${study.key.length - real}`,
    'NM: 1',
    '',
    'BEGIN DATA:',
    ...study.key.map((k, i) => `-1,${i + 1},0,${k.truth === 'synthetic' ? 1 : 0}`),
    ...rows.map((r) => `${r.reader},${r.caseNumber},${VTT_MODALITY_ID},${r.rating}`),
  ];
  return `${lines.join('\n')}\n`;
}

/** Long CSV `reader,treatment,case,truth,rating` (MRMCaov; RJafroc "MRMC" .csv by column position). */
export function toLongCsv(study: Study, sessions: readonly ReaderSession[]): string {
  const rows = ratingRows(study, sessions).map((r) => `${r.reader},${VTT_MODALITY_ID},${r.caseNumber},${r.truth01},${r.rating}`);
  return `reader,treatment,case,truth,rating\n${rows.map((r) => `${r}\n`).join('')}`;
}

/** RFC 4180 field: quoted when it holds a comma, quote or line break. */
export function csvField(value: string | number | boolean | null): string {
  if (value === null) return '';
  // Free text (a comment, a role) that starts like a formula is prefixed with ', so a spreadsheet shows it as text
  // instead of running it (OWASP "CSV injection"); numbers are written as they are.
  const text = typeof value === 'string' && /^[=+\-@\t\r]/.test(value) ? `'${value}` : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export const ANSWER_COLUMNS = [
  'study_id',
  'reader',
  'reader_label',
  'reader_id',
  'reader_role',
  'case',
  'case_id',
  'modality',
  'truth',
  'truth01',
  'status',
  'call',
  'call01',
  'correct',
  'confidence',
  'rating',
  'realism',
  'plausible',
  'findings',
  'cues',
  'order_index',
  'repeat',
  'shown_at',
  'first_input_ms',
  'answer_ms',
  'pauses',
  'wl_events',
  'zoom_events',
  'pan_events',
  'view_resets',
  'source_kind',
  'source',
  'note',
  'comment',
  'case_findings',
] as const;

/** One row per recorded answer (skipped cases included, with status `unreadable`). */
export function toAnswersCsv(study: Study, sessions: readonly ReaderSession[]): string {
  const ids = numbering(study, sessions);
  const key = new Map(study.key.map((k) => [k.caseId, k]));
  const lines = [ANSWER_COLUMNS.join(',')];
  for (const session of sortSessions(sessions.filter((s) => s.studyId === study.studyId))) {
    const repeat = repeatFlags(session.answers);
    for (const [index, a] of session.answers.entries()) {
      const k = key.get(a.caseId);
      if (!k) continue;
      const values: (string | number | boolean | null)[] = [
        study.studyId,
        ids.readers.get(session.reader.readerId) ?? null,
        session.reader.label,
        session.reader.readerId,
        session.reader.role,
        ids.cases.get(a.caseId) ?? null,
        a.caseId,
        VTT_MODALITY_ID,
        k.truth,
        k.truth === 'synthetic' ? 1 : 0,
        a.status,
        a.call,
        a.call === null ? null : a.call === 'synthetic' ? 1 : 0,
        a.call === null ? null : a.call === k.truth ? 1 : 0,
        a.confidence,
        a.rating,
        a.realism,
        a.plausible === null ? null : a.plausible ? 1 : 0,
        a.findings.join('; '),
        (a.cues ?? []).join('; '),
        a.orderIndex,
        repeat[index] === true ? 1 : 0,
        a.timing.shownAt,
        a.timing.firstInputMs === null ? null : Math.round(a.timing.firstInputMs),
        Math.round(a.timing.answerMs),
        a.timing.pauses,
        a.viewing?.windowLevel ?? null,
        a.viewing?.zoom ?? null,
        a.viewing?.pan ?? null,
        a.viewing?.resets ?? null,
        k.source.kind,
        describeSource(k.source),
        a.note,
        a.comment ?? null,
        // what the case is known to show (a synthetic image: what it was made from), beside the reader's `findings`
        describeFindingTruth(k.findingTruth),
      ];
      lines.push(values.map(csvField).join(','));
    }
  }
  return `${lines.join('\n')}\n`;
}

/** JSON.stringify replacer: non-finite numbers (undefined statistics) become null instead of disappearing. */
function finiteOrNull(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? null : value;
}

/** Everything but the pixels: settings, key, readers, answers, the integer numbering and the analysis. */
export function toResultsJson(study: Study, sessions: readonly ReaderSession[], analysis: StudyAnalysis, meta: { exportedAt: string; studyDigest: string }): string {
  const ids = numbering(study, sessions);
  const ordered = sortSessions(sessions.filter((s) => s.studyId === study.studyId));
  return JSON.stringify(
    {
      format: 'medcodi-vtt-results',
      formatVersion: 1,
      exportedAt: meta.exportedAt,
      study: {
        studyId: study.studyId,
        createdAt: study.createdAt,
        appVersion: study.appVersion,
        /** SHA-256 over the canonical study (pixels included): ties these results to the exact stimuli. */
        digest: meta.studyDigest,
        settings: study.settings,
        ratingPoints: ratingPoints(study.settings.questions),
        positiveClass: 'synthetic',
      },
      key: study.key.map((k) => ({
        case: ids.cases.get(k.caseId),
        caseId: k.caseId,
        truth: k.truth,
        source: k.source,
        // what the case is known to show, per checklist item (absent key: unknown)
        ...(k.findingTruth ? { findingTruth: k.findingTruth } : {}),
      })),
      readers: ordered.map((s) => ({
        reader: ids.readers.get(s.reader.readerId),
        ...s.reader,
        createdAt: s.createdAt,
        completedAt: s.completedAt,
        display: s.display,
        // when the reader finished the start screen (report studies have no display check to date it)
        startedAt: s.startedAt ?? null,
        consent: s.consent ?? null,
        // Practice answers, flagged by living here: never in `answers`, the statistics or the MRMC files.
        practice: s.practice ?? [],
        answers: s.answers,
      })),
      // with cues, the comments are already under analysis.cues.comments: write them once
      analysis: analysis.cues ? { ...analysis, comments: undefined } : analysis,
    },
    finiteOrNull,
    2,
  );
}
