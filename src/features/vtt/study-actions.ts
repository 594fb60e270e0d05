/**
 * @file What the reader-study screens do, outside React: build and save a study, add readers, import and export
 * files. Components call these and render the outcome; the decisions live in src/domain/vtt.
 */
import type { ImageModality } from '../../contracts/modality';
import type { ExampleCase } from '../../domain/example-cases';
import { downloadBlob } from '../../domain/export-image';
import type { ResultRecord } from '../../domain/result-record';
import { analyseStudy } from '../../domain/vtt/analysis';
import { buildStudy, type StimulusCandidate } from '../../domain/vtt/build-study';
import { toAnswersCsv, toImrmc, toLongCsv, toResultsJson } from '../../domain/vtt/exports';
import { newReaderId } from '../../domain/vtt/reader-order';
import { createSession, verifyAnswerChain, type ReaderProfile, type ReaderSession } from '../../domain/vtt/reader-session';
import { stimulusKind, studyInstructions, type Study, type StudySettings } from '../../domain/vtt/study';
import { sha256Hex } from '../../domain/vtt/canonical-json';
import { exportStudyFile, importStudyFile, studyDigest } from '../../domain/vtt/study-file';
import { vttDb } from '../../storage/vtt-db';
import { importReaderSessions } from '../../storage/vtt-import';
import { describeSessionImport } from '../../domain/vtt/session-merge';
import { exampleReportCandidates, historyCandidates, historyReportCandidates, loadExampleCandidates, loadFileCandidates } from './load-candidates';
import { toSummaryHtml } from './summary-html';
import { invalidateVtt } from './vtt-queries';

/** Version recorded in studies (package.json "version"; update together). */
export const STUDIO_VERSION = 'medcodi-studio 0.1.0';

/** Uniform [0, 1) from the platform CSPRNG, for ids that must not be guessable from the study seed. */
function cryptoRandom(): number {
  const buffer = new Uint32Array(1);
  crypto.getRandomValues(buffer);
  return (buffer[0] ?? 0) / 4294967296;
}

function newStudyId(): string {
  const bytes = new Uint8Array(8);
  crypto.getRandomValues(bytes);
  return `vtt-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/** Splits "R1, R2" into distinct trimmed pseudonyms. */
export function parseReaderLabels(text: string): string[] {
  return [...new Set(text.split(/[,;\n]/).map((s) => s.trim()).filter(Boolean))];
}

export interface StudyChoices {
  readonly settings: StudySettings;
  readonly examples: readonly ExampleCase[];
  readonly exampleViews: readonly ImageModality[];
  readonly files: readonly File[];
  readonly historyRecords: readonly ResultRecord[];
  readonly historyViews: readonly ImageModality[];
  readonly readerLabels: readonly string[];
}

export type CreateStudyOutcome =
  | { readonly ok: true; readonly study: Study; readonly notes: readonly string[] }
  | { readonly ok: false; readonly problems: readonly string[] };

/** Loads every chosen image, builds the study, saves it with one session per reader. */
export async function createStudy(choices: StudyChoices): Promise<CreateStudyOutcome> {
  const { settings } = choices;
  let candidates: StimulusCandidate[];
  let loadProblems: string[];
  if (stimulusKind(settings) === 'report') {
    // reports need no decoding: the bundled cases' reports as real, generated reports as synthetic
    candidates = [...exampleReportCandidates(choices.examples), ...historyReportCandidates(choices.historyRecords)];
    loadProblems = [];
  } else {
    const examples = await loadExampleCandidates(choices.examples, choices.exampleViews);
    const files = await loadFileCandidates(choices.files);
    candidates = [...examples.candidates, ...files.candidates, ...historyCandidates(choices.historyRecords, choices.historyViews)];
    loadProblems = [...examples.problems, ...files.problems];
  }
  if (choices.readerLabels.length === 0) return { ok: false, problems: [...loadProblems, 'Add at least one reader (a pseudonym such as R1).'] };
  const built = buildStudy({ settings, candidates, studyId: newStudyId(), createdAt: new Date().toISOString(), appVersion: STUDIO_VERSION });
  if (!built.ok) return { ok: false, problems: [...loadProblems, ...built.problems] };
  const db = vttDb();
  await db.saveStudy(built.study);
  for (const label of choices.readerLabels) await addReaderSession(built.study, { label, role: '', yearsExperience: null }, false);
  await invalidateVtt();
  return { ok: true, study: built.study, notes: [...loadProblems, ...built.notes] };
}

/** Adds a reader with a fresh opaque id and their own seeded order. */
export async function addReaderSession(study: Study, profile: Omit<ReaderProfile, 'readerId'>, refresh = true): Promise<ReaderSession> {
  const session = createSession(study, { ...profile, readerId: newReaderId(cryptoRandom) }, new Date().toISOString());
  await vttDb().saveSession(session);
  if (refresh) await invalidateVtt();
  return session;
}

export async function deleteStudy(studyId: string): Promise<void> {
  await vttDb().deleteStudy(studyId);
  await invalidateVtt();
}

function safeName(text: string): string {
  return text.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-|-$/g, '').slice(0, 40) || 'study';
}

function download(text: string, fileName: string, type: string): void {
  downloadBlob(new Blob([text], { type }), fileName);
}

/** Saves the study as a checksummed file; with answers when `includeAnswers`. */
export async function exportStudy(study: Study, includeAnswers: boolean): Promise<void> {
  const sessions = includeAnswers ? await vttDb().listSessions(study.studyId) : [];
  const text = await exportStudyFile(study, sessions, new Date().toISOString());
  download(text, `${safeName(study.settings.title)}_${study.studyId}.vtt.json`, 'application/json');
}

export type ResultsFormat = 'imrmc' | 'long-csv' | 'answers-csv' | 'json' | 'summary-html';

/** Whether every reader's answer log still verifies: "intact for every reader", or who was changed outside the studio. */
export async function answerLogText(sessions: readonly ReaderSession[]): Promise<string> {
  const broken = await Promise.all(sessions.map(async (s) => ((await verifyAnswerChain(s)) ? null : s.reader.label)));
  const bad = broken.filter((b): b is string => b !== null);
  return bad.length === 0 ? 'intact for every reader' : `BROKEN for ${bad.join(', ')} (answers were changed outside the studio)`;
}

/** The text and file name of one results export (also used by the e2e hook-free download test). */
export async function resultsExport(study: Study, sessions: readonly ReaderSession[], format: ResultsFormat): Promise<{ text: string; fileName: string; type: string }> {
  const base = `${safeName(study.settings.title)}_${study.studyId}`;
  switch (format) {
    case 'imrmc':
      return { text: toImrmc(study, sessions), fileName: `${base}.imrmc`, type: 'text/csv' };
    case 'long-csv':
      return { text: toLongCsv(study, sessions), fileName: `${base}_mrmc-long.csv`, type: 'text/csv' };
    case 'answers-csv':
      return { text: toAnswersCsv(study, sessions), fileName: `${base}_answers.csv`, type: 'text/csv' };
    case 'json': {
      const analysis = analyseStudy(study, sessions);
      const text = toResultsJson(study, sessions, analysis, { exportedAt: new Date().toISOString(), studyDigest: await studyDigest(study) });
      return { text, fileName: `${base}_results.json`, type: 'application/json' };
    }
    case 'summary-html': {
      const instructions = studyInstructions(study.settings);
      const text = toSummaryHtml(study, sessions, analyseStudy(study, sessions), {
        exportedAt: new Date().toISOString(),
        studyDigest: await studyDigest(study),
        instructionsSha256: instructions === null ? null : await sha256Hex(instructions),
        answerLog: await answerLogText(sessions.filter((x) => x.studyId === study.studyId)),
      });
      return { text, fileName: `${base}_summary.html`, type: 'text/html' };
    }
  }
}

export async function downloadResults(study: Study, sessions: readonly ReaderSession[], format: ResultsFormat): Promise<void> {
  const file = await resultsExport(study, sessions, format);
  download(file.text, file.fileName, file.type);
}

/** Imports a study file; adds the study if new and any reader sessions this machine does not have yet. */
export async function importStudy(file: File): Promise<string> {
  let text: string;
  try {
    text = await file.text();
  } catch {
    throw new Error(`"${file.name}" could not be read from disk.`);
  }
  const result = await importStudyFile(text);
  if (!result.ok) throw new Error(result.message);
  const db = vttDb();
  const existing = await db.getStudy(result.study.studyId);
  if (existing && (await studyDigest(existing)) !== (await studyDigest(result.study))) {
    throw new Error('A different study with the same id is already on this machine; it was not imported.');
  }
  if (!existing) await db.saveStudy(result.study);
  // Readers new here are added; readers this machine has are taken further only where the file's copy is theirs,
  // gone further (pooling a study read on several machines).
  const report = await importReaderSessions(db, result.study.studyId, result.sessions);
  await invalidateVtt();
  const readers = describeSessionImport(report);
  return existing ? `The study "${result.study.settings.title}" was already here; ${readers}` : `Imported "${result.study.settings.title}" (${result.study.cases.length} cases); ${readers}`;
}
