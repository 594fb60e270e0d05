/**
 * @file A study as a portable file, for building on one offline machine and reading (or analysing) on another.
 *
 * Layout: `{ format, formatVersion, digest: { algorithm: 'SHA-256', value }, content: { exportedAt, study,
 * sessions } }` with pixels as base64. `digest` is SHA-256 over the canonical JSON of `content`
 * (canonical-json.ts), so any change to the content after export (an edited truth, a swapped image) is caught.
 * Import checks, in order: complete JSON → file type → checksum → schema → completeness (every case has a full
 * image and exactly one key entry, sessions match the cases), and refuses the file with one clear sentence.
 * The checksum detects accidental and casual changes; it is not a signature (anyone can recompute it).
 */
import { z } from 'zod';
import { findingTruthProblem } from './case-findings';
import { base64ToBytes, bytesToBase64, canonicalJson, sha256Hex } from './canonical-json';
import type { ReaderSession } from './reader-session';
import { MAX_INSTRUCTIONS_LENGTH, MAX_PRACTICE_CASES, STUDY_FORMAT, STUDY_FORMAT_VERSION, maxRepeats, stimulusIdentity, stimulusKind, stimulusProblem, type Stimulus, type Study, type StudyImage } from './study';

export const STUDY_FILE_FORMAT = 'medcodi-vtt-study-file';
/**
 * The newest file version this studio reads. Image studies are still written as version 1, so older studios read
 * them as before; report studies are version 2, which an older studio refuses as "made by a newer version" instead
 * of calling the file damaged.
 */
export const STUDY_FILE_VERSION = 2;

export const TAMPERED_MESSAGE = 'This study file was modified after export (checksum mismatch); it was not imported.';

export function damagedMessage(detail: string): string {
  return `This study file is incomplete or damaged (${detail}); it was not imported.`;
}

export type ImportResult =
  | { readonly ok: true; readonly study: Study; readonly sessions: readonly ReaderSession[]; readonly exportedAt: string }
  | { readonly ok: false; readonly message: string };

const text = z.string();
const count = z.number().int().nonnegative();
const imageView = z.enum(['frontal', 'lateral', 'report']);

const sourceSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('local-file'), fileName: text, fileType: z.enum(['png', 'jpeg', 'tiff', 'dicom']) }),
  z.object({ kind: z.literal('bundled-example'), exampleId: text, view: imageView, phantom: z.literal(true) }),
  z.object({
    kind: z.literal('history'),
    resultId: text,
    modelId: text,
    modelVersion: text,
    directionId: text,
    seed: z.number(),
    steps: z.number(),
    guidanceScale: z.number(),
    view: imageView,
  }),
]);

const settingsSchema = z.object({
  title: text,
  caseCount: count,
  syntheticShare: z.number().min(0).max(1),
  seed: count,
  resolution: z.number().int().positive(),
  questions: z.object({
    confidenceLevels: z.number().int().min(2).max(5),
    askPlausibility: z.boolean(),
    findings: z.array(text),
    askCues: z.boolean().optional(),
  }),
  prevalenceDisclosed: z.boolean(),
  repeats: count.optional(),
  instructions: text.optional(),
  practiceCases: count.optional(),
  stimulus: z.enum(['image', 'report']).optional(),
});

const encodedImage = z.object({ width: count, height: count, pixels: text });

const serializedStudySchema = z.object({
  format: z.literal(STUDY_FORMAT),
  formatVersion: z.literal(STUDY_FORMAT_VERSION),
  studyId: text.min(1),
  createdAt: text,
  appVersion: text,
  settings: settingsSchema,
  cases: z.array(z.object({ caseId: text.min(1), image: encodedImage.optional(), report: text.optional() })),
  key: z.array(z.object({ caseId: text.min(1), truth: z.enum(['real', 'synthetic']), source: sourceSchema, findingTruth: z.record(text, z.boolean()).optional() })),
  practice: z
    .array(z.object({ caseId: text.min(1), image: encodedImage.optional(), report: text.optional(), truth: z.enum(['real', 'synthetic']), source: sourceSchema }))
    .optional(),
});

const answerSchema = z.object({
  caseId: text,
  orderIndex: count,
  status: z.enum(['answered', 'unreadable']),
  call: z.enum(['real', 'synthetic']).nullable(),
  confidence: z.number().int().nullable(),
  rating: z.number().int().nullable(),
  realism: z.number().int().min(1).max(5).nullable(),
  plausible: z.boolean().nullable(),
  findings: z.array(text),
  cues: z.array(text).optional(),
  comment: text.nullable().optional(),
  viewing: z.object({ windowLevel: count, zoom: count, pan: count, resets: count }).optional(),
  timing: z.object({ shownAt: text, firstInputMs: z.number().nullable(), answerMs: z.number().nonnegative(), pauses: count }),
  note: text.nullable(),
  chain: text,
});

const sessionSchema = z.object({
  studyId: text,
  reader: z.object({
    readerId: text.min(1),
    label: text,
    role: text,
    yearsExperience: z.number().nullable(),
    subspecialty: text.optional(),
    priorSyntheticExposure: z.boolean().optional(),
  }),
  consent: z.object({ instructionsSha256: text, agreedAt: text }).optional(),
  practice: z
    .array(z.object({ caseId: text, call: z.enum(['real', 'synthetic']), confidence: z.number().int(), correct: z.boolean(), answeredAt: text }))
    .optional(),
  order: z.array(text),
  answers: z.array(answerSchema),
  createdAt: text,
  updatedAt: text,
  completedAt: text.nullable(),
  display: z
    .object({
      screenWidth: z.number(),
      screenHeight: z.number(),
      viewportWidth: z.number(),
      viewportHeight: z.number(),
      devicePixelRatio: z.number(),
      userAgent: text,
      check: z
        .object({
          darkStepVisible: z.boolean(),
          brightStepVisible: z.boolean(),
          monitor: z.enum(['diagnostic', 'consumer', 'laptop', 'tablet']),
          roomLight: z.enum(['dim', 'office', 'bright']),
          checkedAt: text,
        })
        .optional(),
    })
    .nullable(),
  startedAt: text.optional(),
});

const contentSchema = z.object({ exportedAt: text, study: serializedStudySchema, sessions: z.array(sessionSchema) });

type SerializedStudy = z.infer<typeof serializedStudySchema>;

/** An image's pixels as base64, for the file. */
const encodeImage = (image: StudyImage) => ({ width: image.width, height: image.height, pixels: bytesToBase64(image.pixels) });
/** An image from the file; throws on base64 that is not. */
const decodeImage = (image: { width: number; height: number; pixels: string }): StudyImage => ({ width: image.width, height: image.height, pixels: base64ToBytes(image.pixels) });

/** A case's stimulus for the file: the image encoded, or the report as it is. */
const encodeStimulus = (stimulus: Stimulus) => (stimulus.report !== undefined ? { report: stimulus.report } : { image: encodeImage(stimulus.image) });

/**
 * A case's stimulus from the file. One with both or neither is kept as an empty report, which the completeness
 * check then refuses by name.
 */
function decodeStimulus(stored: { image?: { width: number; height: number; pixels: string } | undefined; report?: string | undefined }): Stimulus {
  if (stored.image !== undefined && stored.report === undefined) return { image: decodeImage(stored.image) };
  return { report: stored.image === undefined ? (stored.report ?? '') : '' };
}

/** The study as plain JSON (pixels → base64). */
export function serializeStudy(fullStudy: Study): SerializedStudy {
  const { practice, ...study } = fullStudy;
  return {
    ...study,
    settings: { ...study.settings, questions: { ...study.settings.questions, findings: [...study.settings.questions.findings] } },
    cases: study.cases.map((c) => ({ caseId: c.caseId, ...encodeStimulus(c) })),
    key: study.key.map((k) => ({ ...k, source: { ...k.source } })),
    ...(practice ? { practice: practice.map((p) => ({ caseId: p.caseId, ...encodeStimulus(p), truth: p.truth, source: { ...p.source } })) } : {}),
  };
}

/** SHA-256 of the canonical study (pixels included): identifies the exact stimuli and key. */
export async function studyDigest(study: Study): Promise<string> {
  return sha256Hex(canonicalJson(serializeStudy(study)));
}

/** The study file's text. `sessions` may be empty (a fresh study) or carry answers for pooled analysis elsewhere. */
export async function exportStudyFile(study: Study, sessions: readonly ReaderSession[], exportedAt: string): Promise<string> {
  const content = { exportedAt, study: serializeStudy(study), sessions: sessions.filter((s) => s.studyId === study.studyId) };
  const value = await sha256Hex(canonicalJson(content));
  const formatVersion = stimulusKind(study.settings) === 'report' ? 2 : 1;
  return JSON.stringify({ format: STUDY_FILE_FORMAT, formatVersion, digest: { algorithm: 'SHA-256', value }, content });
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'its content does not match the study format';
  const path = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '');
  return `${path || 'content'}: ${issue.message}`;
}

/**
 * The practice part of a study file: as many practice cases as the settings say, each a usable image that is
 * none of the study's images (its truth is shown to readers), with ids of its own; and every reader's practice
 * answers in the practice order, right or wrong as their truth says.
 */
function practiceIntegrity(study: Study, sessions: readonly ReaderSession[]): string | null {
  const practice = study.practice ?? [];
  const { settings } = study;
  if (practice.length > MAX_PRACTICE_CASES) return `it has ${practice.length} practice cases, more than ${MAX_PRACTICE_CASES}`;
  if (practice.length !== (settings.practiceCases ?? 0)) return `it has ${practice.length} practice cases but its settings say ${settings.practiceCases ?? 0}`;
  const studyIds = new Set(study.cases.map((c) => c.caseId));
  const studyStimuli = new Set(study.cases.map((c) => stimulusIdentity(c)));
  const seen = new Set<string>();
  for (const p of practice) {
    const problem = stimulusProblem(p, settings);
    if (problem) return `the ${stimulusKind(settings)} of practice case ${p.caseId} is unusable: ${problem}`;
    if (studyIds.has(p.caseId) || seen.has(p.caseId)) return `practice case id ${p.caseId} is used twice`;
    seen.add(p.caseId);
    if (studyStimuli.has(stimulusIdentity(p))) return `practice case ${p.caseId} shows one of the study's own ${stimulusKind(settings)}s`;
  }
  for (const s of sessions) {
    const answers = s.practice ?? [];
    if (answers.length > practice.length) return `reader ${s.reader.label} has more practice answers than the study has practice cases`;
    for (const [i, a] of answers.entries()) {
      const shown = practice[i];
      if (!shown || a.caseId !== shown.caseId || a.correct !== (a.call === shown.truth) || a.confidence < 1 || a.confidence > settings.questions.confidenceLevels) {
        return `reader ${s.reader.label}'s practice answers do not match the practice cases`;
      }
    }
  }
  return null;
}

/** Completeness checks the schema cannot express; returns the first problem or null. */
function completenessProblem(study: Study, sessions: readonly ReaderSession[]): string | null {
  const { settings } = study;
  if (study.cases.length === 0) return 'it has no cases';
  if (stimulusKind(settings) === 'report' && settings.questions.askCues === true) return 'it asks the image cue question in a report study';
  if ((settings.instructions ?? '').length > MAX_INSTRUCTIONS_LENGTH) return `its instructions are longer than ${MAX_INSTRUCTIONS_LENGTH} characters`;
  const practiceProblem = practiceIntegrity(study, sessions);
  if (practiceProblem) return practiceProblem;
  if ((settings.repeats ?? 0) > maxRepeats(settings.caseCount)) return `it asks for ${settings.repeats} cases read twice, more than a study of ${settings.caseCount} allows (${maxRepeats(settings.caseCount)})`;
  if (study.cases.length !== settings.caseCount) return `it has ${study.cases.length} cases but its settings say ${settings.caseCount}`;
  const caseIds = new Set(study.cases.map((c) => c.caseId));
  if (caseIds.size !== study.cases.length) return 'a case id appears twice';
  for (const c of study.cases) {
    const problem = stimulusProblem(c, settings);
    if (problem) return `the ${stimulusKind(settings)} of case ${c.caseId} is unusable: ${problem}`;
  }
  const keyIds = study.key.map((k) => k.caseId);
  if (keyIds.length !== caseIds.size || new Set(keyIds).size !== keyIds.length || keyIds.some((id) => !caseIds.has(id))) {
    return 'the answer key does not match the cases';
  }
  for (const k of study.key) {
    const problem = k.findingTruth ? findingTruthProblem(k.findingTruth, settings.questions.findings) : null;
    if (problem) return `the known findings of case ${k.caseId} ${problem}`;
  }
  for (const s of sessions) {
    if (s.studyId !== study.studyId) return `reader ${s.reader.label} belongs to another study`;
    // Every case once, plus the study's repeats: each a case read a second time, never a third.
    const times = new Map<string, number>();
    for (const id of s.order) times.set(id, (times.get(id) ?? 0) + 1);
    const twice = [...times.values()].filter((n) => n === 2).length;
    if (
      s.order.length !== caseIds.size + (settings.repeats ?? 0) ||
      times.size !== caseIds.size ||
      s.order.some((id) => !caseIds.has(id)) ||
      [...times.values()].some((n) => n > 2) ||
      twice !== (settings.repeats ?? 0)
    ) {
      return `reader ${s.reader.label}'s case order does not match the cases`;
    }
    if (s.answers.length > s.order.length || s.answers.some((a, i) => a.caseId !== s.order[i] || a.orderIndex !== i)) {
      return `reader ${s.reader.label}'s answers do not follow the reader's order`;
    }
  }
  if (new Set(sessions.map((s) => s.reader.readerId)).size !== sessions.length) return 'a reader appears twice';
  return null;
}

/** Reads a study file's text; never throws. */
export async function importStudyFile(fileText: string): Promise<ImportResult> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fileText);
  } catch {
    return { ok: false, message: damagedMessage('the file ends early or is not valid JSON, so it may have been cut short') };
  }
  if (!isRecord(parsed) || parsed['format'] !== STUDY_FILE_FORMAT) {
    return { ok: false, message: 'This file is not a MedCoDi Studio reader-study file; it was not imported.' };
  }
  if (typeof parsed['formatVersion'] !== 'number' || !Number.isInteger(parsed['formatVersion']) || parsed['formatVersion'] < 1) {
    return { ok: false, message: damagedMessage('its format version is not a whole number from 1') };
  }
  if (parsed['formatVersion'] > STUDY_FILE_VERSION) {
    return { ok: false, message: 'This study file was made by a newer version of MedCoDi Studio; update the studio to import it.' };
  }
  const digest = parsed['digest'];
  const content = parsed['content'];
  if (!isRecord(digest) || digest['algorithm'] !== 'SHA-256' || typeof digest['value'] !== 'string' || !isRecord(content)) {
    return { ok: false, message: damagedMessage('its checksum or its content section is missing') };
  }
  if ((await sha256Hex(canonicalJson(content))) !== digest['value']) return { ok: false, message: TAMPERED_MESSAGE };

  const checked = contentSchema.safeParse(content);
  if (!checked.success) return { ok: false, message: damagedMessage(firstIssue(checked.error)) };
  let study: Study;
  try {
    const { practice, ...rest } = checked.data.study;
    study = {
      ...rest,
      cases: rest.cases.map((c) => ({ caseId: c.caseId, ...decodeStimulus(c) })),
      ...(practice ? { practice: practice.map(({ image, report, ...p }) => ({ ...p, ...decodeStimulus({ image, report }) })) } : {}),
    };
  } catch {
    return { ok: false, message: damagedMessage('an image is not valid base64') };
  }
  const sessions: ReaderSession[] = checked.data.sessions;
  const problem = completenessProblem(study, sessions);
  if (problem) return { ok: false, message: damagedMessage(problem) };
  return { ok: true, study, sessions, exportedAt: checked.data.exportedAt };
}
