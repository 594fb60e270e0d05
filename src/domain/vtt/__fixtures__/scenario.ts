/**
 * @file The worked two-reader scenario used by the analysis and export tests (and mirrored by e2e/vtt.spec.ts):
 * 4 real (bundled phantoms 00–03) and 4 synthetic (history results h1–h4) cases, answers fixed per case.
 *
 *   case  R1 call/conf/realism/plausible  R2 call/conf/realism/plausible
 *   h1    R 1 4 Y  (fooled)               S 2 2 N
 *   h2    S 3 2 N                         S 2 2 N
 *   h3    S 3 2 N                         R 2 4 Y  (fooled)
 *   h4    S 3 2 N                         R 2 4 Y  (fooled)
 *   p00   R 1 4 Y                         S 1 3 N  (false alarm)
 *   p01–3 R 2 5 Y                         R 3 5 Y
 *
 * What it implies (confidence levels 3 → rating 1 = certain real … 6 = certain synthetic):
 *   R1: TP 3, FN 1, TN 4, FP 0 → accuracy 7/8, sensitivity 3/4, specificity 4/4; ratings synthetic 3,6,6,6 vs
 *       real 3,2,2,2 → AUC (12 + 3.5)/16 = 0.96875.
 *   R2: TP 2, FN 2, TN 3, FP 1 → accuracy 5/8, sensitivity 2/4, specificity 3/4; ratings 5,5,2,2 vs 4,1,1,1 →
 *       AUC 14/16 = 0.875.
 *   Pooled: accuracy 12/16, sensitivity 5/8, specificity 7/8. Cohen's κ on the calls: p_o = 4/8,
 *   p_e = (3/8)² + (5/8)² = 34/64 → κ = (0.5 − 0.53125)/(1 − 0.53125) = −1/15.
 *   Realism: R1 real 4.75, synthetic 2.5; R2 real 4.5, synthetic 3.
 *
 * Cues (SCENARIO_CUES): R1 ticks texture on h2 and h3, ribs on h3 and h4; R2 ticks texture on h1 and on phantom-00
 * (its false alarm, with a comment) and anatomy on h3 (called real). So texture is cited 4 times (3 synthetic called
 * synthetic, 1 real called synthetic; 3/4 correct), ribs 2 (both synthetic called synthetic), anatomy 1 (with a
 * "real" call, wrong); 6 of the 16 readings tick a cue, 1 has a comment.
 */
import { buildStudy, type StimulusCandidate } from '../build-study';
import { ratingFor } from '../answer-keys';
import { appendAnswer, createSession, currentCaseId, type CaseAnswer, type ReaderSession } from '../reader-session';
import { DEFAULT_SETTINGS, type CaseSource, type Study, type StudyImage, type Truth } from '../study';

export interface ScriptedAnswer {
  readonly call: Truth;
  readonly confidence: number;
  readonly realism: number;
  readonly plausible: boolean;
}

/** Cues and comments by reader and source (cases not listed: none). */
export const SCENARIO_CUES: Readonly<Record<'R1' | 'R2', Readonly<Record<string, { readonly cues: readonly string[]; readonly comment?: string }>>>> = {
  R1: { h2: { cues: ['Texture or noise'] }, h3: { cues: ['Ribs or bones', 'Texture or noise'] }, h4: { cues: ['Ribs or bones'] } },
  R2: {
    h1: { cues: ['Texture or noise'] },
    h3: { cues: ['Anatomy'] },
    'phantom-00': { cues: ['Texture or noise'], comment: 'Grainy lung fields, "too smooth" ribs' },
  },
};

export const SCENARIO_ANSWERS: Readonly<Record<'R1' | 'R2', Readonly<Record<string, ScriptedAnswer>>>> = {
  R1: {
    h1: { call: 'real', confidence: 1, realism: 4, plausible: true },
    h2: { call: 'synthetic', confidence: 3, realism: 2, plausible: false },
    h3: { call: 'synthetic', confidence: 3, realism: 2, plausible: false },
    h4: { call: 'synthetic', confidence: 3, realism: 2, plausible: false },
    'phantom-00': { call: 'real', confidence: 1, realism: 4, plausible: true },
    'phantom-01': { call: 'real', confidence: 2, realism: 5, plausible: true },
    'phantom-02': { call: 'real', confidence: 2, realism: 5, plausible: true },
    'phantom-03': { call: 'real', confidence: 2, realism: 5, plausible: true },
  },
  R2: {
    h1: { call: 'synthetic', confidence: 2, realism: 2, plausible: false },
    h2: { call: 'synthetic', confidence: 2, realism: 2, plausible: false },
    h3: { call: 'real', confidence: 2, realism: 4, plausible: true },
    h4: { call: 'real', confidence: 2, realism: 4, plausible: true },
    'phantom-00': { call: 'synthetic', confidence: 1, realism: 3, plausible: false },
    'phantom-01': { call: 'real', confidence: 3, realism: 5, plausible: true },
    'phantom-02': { call: 'real', confidence: 3, realism: 5, plausible: true },
    'phantom-03': { call: 'real', confidence: 3, realism: 5, plausible: true },
  },
};

/** A plain answered case ("real, fairly sure, realism 4, plausible"), with any field replaced by `changes`. */
export function plainAnswer(caseId: string, orderIndex: number, changes: Partial<CaseAnswer> = {}): CaseAnswer {
  return {
    caseId,
    orderIndex,
    status: 'answered',
    call: 'real',
    confidence: 2,
    rating: 2,
    realism: 4,
    plausible: true,
    findings: [],
    timing: { shownAt: '2026-01-01T00:00:00.000Z', firstInputMs: 100, answerMs: 900, pauses: 0 },
    note: null,
    ...changes,
  };
}

/** A case's image, for tests of image studies (throws on a report case). */
export function imageOf(stimulus: { readonly image?: StudyImage | undefined }): StudyImage {
  if (!stimulus.image) throw new Error('expected an image case');
  return stimulus.image;
}

/** A w×h grey gradient whose brightness depends on `k`, so every candidate image differs. */
export function gradient(width: number, height: number, k: number): { width: number; height: number; pixels: Uint8ClampedArray } {
  const pixels = new Uint8ClampedArray(width * height);
  for (let i = 0; i < pixels.length; i += 1) pixels[i] = (i * 7 + k * 31) % 256;
  return { width, height, pixels };
}

export function scenarioCandidates(): StimulusCandidate[] {
  const real = ['phantom-00', 'phantom-01', 'phantom-02', 'phantom-03'].map(
    (exampleId, i): StimulusCandidate => ({ truth: 'real', source: { kind: 'bundled-example', exampleId, view: 'frontal', phantom: true }, image: gradient(64, 64, i) }),
  );
  const synthetic = ['h1', 'h2', 'h3', 'h4'].map(
    (resultId, i): StimulusCandidate => ({
      truth: 'synthetic',
      source: { kind: 'history', resultId, modelId: 'medcodi-nano', modelVersion: '0.1.0', directionId: 'T>F', seed: i, steps: 8, guidanceScale: 7.5, view: 'frontal' },
      image: gradient(64, 64, 10 + i),
    }),
  );
  return [...real, ...synthetic];
}

/** The scenario's study; `repeats` makes every reader read that many cases twice. */
export function scenarioStudy(repeats = 0): Study {
  const result = buildStudy({
    settings: { ...DEFAULT_SETTINGS, caseCount: 8, syntheticShare: 0.5, seed: 42, resolution: 32, ...(repeats > 0 ? { repeats } : {}) },
    candidates: scenarioCandidates(),
    studyId: 'study-scenario',
    createdAt: '2026-01-01T00:00:00.000Z',
    appVersion: 'test',
  });
  if (!result.ok) throw new Error(result.problems.join(' '));
  return result.study;
}

/** The source name the scripted answers are keyed by. */
export function sourceName(source: CaseSource): string {
  return source.kind === 'history' ? source.resultId : source.kind === 'bundled-example' ? source.exampleId : source.fileName;
}

/**
 * A session for `label` with every scripted answer appended in the reader's order. A case the order shows twice
 * (study repeats) gets the same answer again, or `secondReading`'s when given.
 */
export async function scriptedSession(
  study: Study,
  label: 'R1' | 'R2',
  readerId: string,
  secondReading?: (source: string, first: ScriptedAnswer) => ScriptedAnswer,
): Promise<ReaderSession> {
  let session = createSession(study, { readerId, label, role: 'radiologist', yearsExperience: 5 }, '2026-01-02T00:00:00.000Z');
  const key = new Map(study.key.map((k) => [k.caseId, k]));
  const read = new Set<string>();
  for (let index = 0; index < session.order.length; index += 1) {
    const caseId = currentCaseId(session) as string;
    const name = sourceName((key.get(caseId) as { source: CaseSource }).source);
    const first = SCENARIO_ANSWERS[label][name] as ScriptedAnswer;
    const scripted = read.has(caseId) && secondReading ? secondReading(name, first) : first;
    read.add(caseId);
    const cues = SCENARIO_CUES[label][name];
    session = await appendAnswer(
      session,
      {
        caseId,
        orderIndex: index,
        status: 'answered',
        call: scripted.call,
        confidence: scripted.confidence,
        rating: ratingFor(scripted.call, scripted.confidence, 3),
        realism: scripted.realism,
        plausible: scripted.plausible,
        findings: [],
        cues: cues?.cues ?? [],
        comment: cues?.comment ?? null,
        // R1 windowed twice and zoomed once on h1 (the case that fooled R1); every other case was read as shown.
        viewing: label === 'R1' && name === 'h1' ? { windowLevel: 2, zoom: 1, pan: 0, resets: 0 } : { windowLevel: 0, zoom: 0, pan: 0, resets: 0 },
        timing: { shownAt: '2026-01-02T00:00:00.000Z', firstInputMs: 500, answerMs: 1000 * (index + 1), pauses: 0 },
        note: null,
      },
      '2026-01-02T00:01:00.000Z',
    );
  }
  return session;
}

/** A 4-case report study (2 real phantom reports, 2 generated F→T reports), no cue question. */
export function reportScenarioStudy(): Study {
  const result = buildStudy({
    settings: { ...DEFAULT_SETTINGS, caseCount: 4, syntheticShare: 0.5, seed: 9, stimulus: 'report', questions: { ...DEFAULT_SETTINGS.questions, askCues: false } },
    candidates: [0, 1, 2, 3].map((i): StimulusCandidate =>
      i < 2
        ? { truth: 'real', source: { kind: 'bundled-example', exampleId: `phantom-0${i}`, view: 'report', phantom: true }, report: `Real report ${i}.` }
        : { truth: 'synthetic', source: { kind: 'history', resultId: `h${i}`, modelId: 'm', modelVersion: '1', directionId: 'F>T', seed: i, steps: 50, guidanceScale: 7.5, view: 'report' }, report: `Generated report ${i}.` },
    ),
    studyId: 'reports',
    createdAt: 'now',
    appVersion: 'test',
  });
  if (!result.ok) throw new Error(result.problems.join(' '));
  return result.study;
}
