/**
 * @file The reader-study (Visual Turing Test) data model.
 *
 * A study has two halves that must never meet on a reader's screen:
 * - `cases`: what readers see, an opaque random id and an 8-bit grey image at the study resolution, identical in
 *   format for real and synthetic cases (no file name, no metadata);
 * - `key`: the hidden answer key, truth and provenance per case id, read only by the analysis and the exports.
 * Reader sessions (answers) live beside the study (reader-session.ts), so readers can be added on any machine.
 */
import { cleanDecodedReport, restoreReportCase } from '../../contracts/report-text';
import { bytesToBase64 } from './canonical-json';
import type { FindingTruth } from './case-findings';
import type { ImageModality } from '../../contracts/modality';

export const STUDY_FORMAT = 'medcodi-vtt-study';
export const STUDY_FORMAT_VERSION = 1;

/** Synthetic is the positive class throughout (sensitivity = synthetic images spotted). */
export type Truth = 'real' | 'synthetic';

/** 8-bit grey, row-major, width × height bytes; the only pixel format a study holds. */
export interface StudyImage {
  readonly width: number;
  readonly height: number;
  readonly pixels: Uint8Array;
}

/**
 * What a case shows: an image (image studies), or a report's text (report studies, where readers judge whether a
 * report was written by a radiologist or generated). Exactly one of the two.
 */
export type Stimulus = { readonly image: StudyImage; readonly report?: undefined } | { readonly report: string; readonly image?: undefined };

/** Opaque and random id: says nothing about truth or source. */
export type StudyCase = { readonly caseId: string } & Stimulus;

/** What a study shows its readers; absent in studies made before report studies: images. */
export type StimulusKind = 'image' | 'report';

/** Longest report a report study may show (characters). */
export const MAX_STIMULUS_REPORT_LENGTH = 4000;

/** Where a case came from; kept only in the hidden key. */
export type CaseSource =
  | { readonly kind: 'local-file'; readonly fileName: string; readonly fileType: 'png' | 'jpeg' | 'tiff' | 'dicom' }
  | { readonly kind: 'bundled-example'; readonly exampleId: string; readonly view: ImageModality | 'report'; readonly phantom: true }
  | {
      readonly kind: 'history';
      readonly resultId: string;
      readonly modelId: string;
      readonly modelVersion: string;
      readonly directionId: string;
      readonly seed: number;
      readonly steps: number;
      readonly guidanceScale: number;
      readonly view: ImageModality | 'report';
    };

export interface CaseKey {
  readonly caseId: string;
  readonly truth: Truth;
  readonly source: CaseSource;
  /**
   * What the case is known to show, per item of the findings checklist that its phantom labels settle (a synthetic
   * image: the findings it was made from). Absent when the study asks no findings or the case's are unknown.
   */
  readonly findingTruth?: FindingTruth | undefined;
}

export interface StudyQuestions {
  /**
   * Levels of the confidence question (2–5). With the real/synthetic call it forms the ordinal rating used for ROC:
   * 1 = certain real … 2L = certain synthetic (6 points with the default 3 levels).
   */
  readonly confidenceLevels: number;
  /** Ask "clinically plausible?" (yes/no). */
  readonly askPlausibility: boolean;
  /** Findings checklist shown to readers (at most 9, one digit key each); empty = not asked. */
  readonly findings: readonly string[];
  /**
   * Ask which cues the call rested on (the fixed `CUES` checklist) and for an optional comment, for a cue analysis
   * like Schuit's. Absent in studies made before it existed: not asked.
   */
  readonly askCues?: boolean | undefined;
}

export interface StudySettings {
  readonly title: string;
  readonly caseCount: number;
  /** Share of synthetic cases, 0–1. */
  readonly syntheticShare: number;
  /** Seed for case selection, case ids and every reader's order (uint32). */
  readonly seed: number;
  /** Side of the square stimulus in pixels; every case is resampled to it. */
  readonly resolution: number;
  readonly questions: StudyQuestions;
  /** Whether readers are told the share of synthetic cases (recorded because it changes reader behaviour). */
  readonly prevalenceDisclosed: boolean;
  /**
   * Cases each reader reads a second time, later in their order and unannounced, for intra-reader agreement
   * (evaluation-and-vtt.md §3.3 "duplicate flag"). 0 or absent (older studies): none.
   */
  readonly repeats?: number | undefined;
  /**
   * What readers are told before they start; each reader agrees to it, and the session records which text (its
   * SHA-256) they agreed to. Absent in older studies: no instructions shown, no consent asked.
   */
  readonly instructions?: string | undefined;
  /**
   * Practice cases every reader reads first, with the truth shown after each answer; drawn from chosen images the
   * study itself does not use, and never part of the analysis. 0 or absent (older studies): none.
   */
  readonly practiceCases?: number | undefined;
  /** Images (absent: older studies) or reports. */
  readonly stimulus?: StimulusKind | undefined;
}

export interface Study {
  readonly format: typeof STUDY_FORMAT;
  readonly formatVersion: typeof STUDY_FORMAT_VERSION;
  readonly studyId: string;
  readonly createdAt: string;
  /** App version that built the study, for the record. */
  readonly appVersion: string;
  readonly settings: StudySettings;
  readonly cases: readonly StudyCase[];
  /** Hidden answer key, one entry per case. */
  readonly key: readonly CaseKey[];
  /** Practice cases (settings.practiceCases), in reading order, with their truth (shown after each answer). */
  readonly practice?: readonly PracticeCase[] | undefined;
}

/** A practice case: read before the study, its truth told to the reader, excluded from every analysis. */
export type PracticeCase = {
  readonly caseId: string;
  readonly truth: Truth;
  /** Where the image or report came from, for the record (never shown to the reader). */
  readonly source: CaseSource;
} & Stimulus;

/** Most practice cases a study may have. */
export const MAX_PRACTICE_CASES = 5;

export const MAX_FINDINGS = 9;
/**
 * What readers of synthetic chest X-rays say gave an image away (evaluation-and-vtt.md §3.3, after RoentGen's
 * device artefacts and Schuit's cue analysis). Fixed, so that cue counts compare across studies.
 */
export const CUES: readonly string[] = ['Lines or devices', 'Ribs or bones', 'Texture or noise', 'Markers or text', 'Anatomy'];
/** Longest comment a reader may leave on a case (characters). */
export const MAX_COMMENT_LENGTH = 500;
export const REALISM_LEVELS = 5;
export const DEFAULT_RESOLUTION = 64;

/** CheXpert-style findings that also match the bundled phantom labels. */
export const DEFAULT_FINDINGS: readonly string[] = [
  'Cardiomegaly',
  'Pleural effusion',
  'Pneumothorax',
  'Consolidation',
  'Nodule or mass',
  'Pulmonary edema',
  'Tube or line',
  'No finding',
];

/** Longest instructions text a study may carry (characters). */
export const MAX_INSTRUCTIONS_LENGTH = 4000;

/** A starting text for the coordinator to adapt: what the task is, what counts, what happens to the answers. */
export const DEFAULT_INSTRUCTIONS = [
  'You will see chest X-rays one at a time. Some are real radiographs; others were generated by a computer model.',
  'For each image, say whether you think it is real or synthetic and how sure you are, rate how realistic it looks, and answer the other questions on the screen. Answer from the image alone; there is no time limit, but work at your usual reading pace.',
  'You may adjust window/level and zoom. The study does not tell you during reading whether your answers were right.',
  'Your answers are saved on this computer under a pseudonym. With them, the study records how long each case took, how you adjusted the image, and your screen size and browser; the study coordinator exports these with the answers for this study only. You may stop at any time; answers given so far are kept.',
].join('\n\n');

/** The default instructions of a report study (readers judge reports as text). */
export const DEFAULT_REPORT_INSTRUCTIONS = [
  'You will read chest X-ray reports one at a time. Some are real reports; others were generated by a computer model.',
  'For each report, say whether you think it is real or synthetic and how sure you are, rate how realistic it reads, and answer the other questions on the screen. Answer from the text alone; there is no time limit, but work at your usual reading pace.',
  'The study does not tell you during reading whether your answers were right.',
  'Your answers are saved on this computer under a pseudonym. With them, the study records how long each case took and your screen size and browser; the study coordinator exports these with the answers for this study only. You may stop at any time; answers given so far are kept.',
].join('\n\n');

/** The instructions readers must agree to, trimmed; null when the study has none (absent or blank). */
export function studyInstructions(settings: Pick<StudySettings, 'instructions'>): string | null {
  const text = settings.instructions?.trim() ?? '';
  return text === '' ? null : text;
}

export const DEFAULT_SETTINGS: StudySettings = {
  title: 'Visual Turing Test',
  caseCount: 10,
  syntheticShare: 0.5,
  seed: 20260101,
  resolution: DEFAULT_RESOLUTION,
  questions: { confidenceLevels: 3, askPlausibility: true, findings: [], askCues: true },
  prevalenceDisclosed: false,
  instructions: DEFAULT_INSTRUCTIONS,
};

/** The most cases a reader may read twice: a quarter of the study, at most 50 (repeats lengthen every session). */
export function maxRepeats(caseCount: number): number {
  return Number.isFinite(caseCount) ? Math.min(50, Math.floor(Math.max(0, caseCount) / 4)) : 0;
}

/** Number of points of the ordinal ROC rating (call × confidence). */
export function ratingPoints(questions: Pick<StudyQuestions, 'confidenceLevels'>): number {
  return 2 * questions.confidenceLevels;
}

/** Problems with a settings object, as sentences; empty when it can build a study. */
export function checkSettings(settings: StudySettings): string[] {
  const problems: string[] = [];
  const { caseCount, syntheticShare, seed, resolution, questions } = settings;
  if (!Number.isInteger(caseCount) || caseCount < 2 || caseCount > 2000) problems.push('The number of cases must be a whole number from 2 to 2000.');
  if (!Number.isFinite(syntheticShare) || syntheticShare <= 0 || syntheticShare >= 1) {
    problems.push('The share of synthetic cases must be above 0% and below 100% (the test needs both kinds).');
  }
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffff_ffff) problems.push('The seed must be a whole number from 0 to 4294967295.');
  if (!isValidResolution(resolution)) problems.push('The study resolution must be a whole number of pixels from 16 to 1024.');
  if (stimulusKind(settings) === 'report' && questions.askCues === true) {
    problems.push('The cue question (lines, ribs, texture, markers, anatomy) is about images; a report study cannot ask it.');
  }
  if (!Number.isInteger(questions.confidenceLevels) || questions.confidenceLevels < 2 || questions.confidenceLevels > 5) {
    problems.push('Confidence needs 2 to 5 levels.');
  }
  const practice = settings.practiceCases ?? 0;
  if (!Number.isInteger(practice) || practice < 0 || practice > MAX_PRACTICE_CASES) {
    problems.push(`Practice cases must be a whole number from 0 to ${MAX_PRACTICE_CASES}.`);
  }
  const repeats = settings.repeats ?? 0;
  if (!Number.isInteger(repeats) || repeats < 0 || repeats > maxRepeats(caseCount)) {
    problems.push(`Cases read twice must be a whole number from 0 to ${maxRepeats(caseCount)} (at most a quarter of the cases, and 50).`);
  }
  if ((settings.instructions ?? '').length > MAX_INSTRUCTIONS_LENGTH) problems.push(`The instructions can be at most ${MAX_INSTRUCTIONS_LENGTH} characters long.`);
  if (questions.findings.length > MAX_FINDINGS) problems.push(`The findings checklist can have at most ${MAX_FINDINGS} items (one digit key each).`);
  if (new Set(questions.findings).size !== questions.findings.length) problems.push('The findings checklist has the same item twice.');
  if (questions.findings.some((f) => f.trim() === '')) problems.push('The findings checklist has an empty item.');
  return problems;
}

/** Why an image cannot be shown to a reader, or null when it can. */
export function imageProblem(image: StudyImage | undefined, resolution: number): string | null {
  if (!image) return 'the case has no image';
  if (image.width !== resolution || image.height !== resolution) {
    return `it is ${image.width}×${image.height} pixels instead of the study's ${resolution}×${resolution}`;
  }
  if (!(image.pixels instanceof Uint8Array) || image.pixels.length !== resolution * resolution) return 'its pixel data is incomplete';
  return null;
}

/** Whether readers may leave a comment: with the cue question, and always in a report study (which has no cues). */
export function asksComment(settings: Pick<StudySettings, 'stimulus' | 'questions'>): boolean {
  return settings.questions.askCues === true || stimulusKind(settings) === 'report';
}

/** What the study shows: images unless it says reports. */
export function stimulusKind(settings: Pick<StudySettings, 'stimulus'>): StimulusKind {
  return settings.stimulus === 'report' ? 'report' : 'image';
}

/**
 * A report as a report study shows it. Real and generated reports go through the decoder's own clean-up and case
 * pipeline (lower case, `cleanDecodedReport`, `restoreReportCase`), so both end in the same style: generated reports
 * come out of the decoder in lower case and get their capitals back from that pipeline, and a real report's own
 * capitals could otherwise tell it apart. Whitespace ends collapsed and trimmed.
 */
export function normaliseReportStimulus(text: string): string {
  return restoreReportCase(cleanDecodedReport(text.toLowerCase()));
}

/** Why a case (or practice case) cannot be shown in this study, or null. */
export function stimulusProblem(stimulus: Partial<Stimulus> | undefined, settings: Pick<StudySettings, 'stimulus' | 'resolution'>): string | null {
  if (stimulusKind(settings) === 'image') return stimulus?.report !== undefined ? 'it is a report in an image study' : imageProblem(stimulus?.image, settings.resolution);
  if (stimulus?.image !== undefined) return 'it is an image in a report study';
  const report = stimulus?.report;
  if (typeof report !== 'string' || normaliseReportStimulus(report) === '') return 'the case has no report text';
  if (report.length > MAX_STIMULUS_REPORT_LENGTH) return `its report is longer than ${MAX_STIMULUS_REPORT_LENGTH} characters`;
  return null;
}

/** What identifies a stimulus's content (same pixels or same text = the same stimulus under another name). */
export function stimulusIdentity(stimulus: Stimulus): string {
  return stimulus.report !== undefined ? `report:${stimulus.report}` : `image:${bytesToBase64(stimulus.image.pixels)}`;
}

/** A study resolution the settings accept: a whole number of pixels from 16 to 1024. */
export function isValidResolution(resolution: number): boolean {
  return Number.isInteger(resolution) && resolution >= 16 && resolution <= 1024;
}

/** The number of real and synthetic cases the settings ask for. */
export function caseMix(settings: Pick<StudySettings, 'caseCount' | 'syntheticShare'>): { real: number; synthetic: number } {
  const synthetic = Math.min(settings.caseCount - 1, Math.max(1, Math.round(settings.caseCount * settings.syntheticShare)));
  return { real: settings.caseCount - synthetic, synthetic };
}

/** A short description of a source, for the (unblinded) study overview and exports. */
export function describeSource(source: CaseSource): string {
  switch (source.kind) {
    case 'local-file':
      return `${source.fileType.toUpperCase()} file ${source.fileName}`;
    case 'bundled-example':
      return `bundled phantom ${source.exampleId} (${source.view})`;
    case 'history':
      return `${source.modelId} ${source.directionId} seed ${source.seed} (${source.view})`;
  }
}
