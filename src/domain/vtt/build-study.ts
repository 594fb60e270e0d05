/**
 * @file Builds a blinded study from candidate images (pure). Cases are drawn with the study's seeded PRNG, every
 * image goes through the same `normaliseStimulus` (centre square, area resample to the study resolution, 8-bit
 * grey, pixels only), and each case gets an opaque random id. Provenance goes into the hidden key only.
 */
import type { GreyImage } from '../../contracts/job';
import { centreCropResize } from '../grey-image';
import { findingTruthFor } from './case-findings';
import { createSeededRandom, randomHex, shuffled } from './prng';
import {
  STUDY_FORMAT,
  STUDY_FORMAT_VERSION,
  MAX_STIMULUS_REPORT_LENGTH,
  caseMix,
  checkSettings,
  normaliseReportStimulus,
  stimulusIdentity,
  stimulusKind,
  type CaseKey,
  type CaseSource,
  type PracticeCase,
  type Stimulus,
  type StimulusKind,
  type Study,
  type StudyCase,
  type StudyImage,
  type StudySettings,
  type Truth,
} from './study';

/**
 * An image offered to the builder, already decoded to 8-bit grey at any size, or (for a report study) a report's
 * text.
 */
export type StimulusCandidate = {
  readonly truth: Truth;
  readonly source: CaseSource;
  /** Phantom ground-truth labels of the case (a synthetic one: of the case it was made from), when known. */
  readonly labels?: Readonly<Record<string, unknown>>;
} & ({ readonly image: GreyImage | StudyImage; readonly report?: undefined } | { readonly report: string; readonly image?: undefined });

export interface BuildStudyInput {
  readonly settings: StudySettings;
  readonly candidates: readonly StimulusCandidate[];
  readonly studyId: string;
  readonly createdAt: string;
  readonly appVersion: string;
}

export type BuildStudyResult =
  | { readonly ok: true; readonly study: Study; readonly notes: readonly string[] }
  | { readonly ok: false; readonly problems: readonly string[] };

const CASE_ID_HEX = 12;

/**
 * The one preprocessing every stimulus gets, real or synthetic: largest centred square, area-averaged (or
 * bilinear when enlarging) to size×size, 8-bit grey. The result holds pixels and dimensions only.
 */
export function normaliseStimulus(image: GreyImage | StudyImage, size: number): StudyImage {
  const grey: GreyImage = { width: image.width, height: image.height, pixels: new Uint8ClampedArray(image.pixels.buffer, image.pixels.byteOffset, image.pixels.length) };
  const resized = centreCropResize(grey, size);
  return { width: size, height: size, pixels: new Uint8Array(resized.pixels) };
}

/** A string naming the source, so the same image offered twice is used once. */
export function sourceIdentity(source: CaseSource): string {
  switch (source.kind) {
    case 'local-file':
      return `file:${source.fileName}`;
    case 'bundled-example':
      return `example:${source.exampleId}:${source.view}`;
    case 'history':
      return `history:${source.resultId}:${source.view}`;
  }
}

/** A source without its view: the frontal and lateral image of one case or result are the same patient. */
export function sourcePatient(source: CaseSource): string {
  switch (source.kind) {
    case 'local-file':
      return `file:${source.fileName}`;
    case 'bundled-example':
      return `example:${source.exampleId}`;
    case 'history':
      return `history:${source.resultId}`;
  }
}

/** A candidate as the study shows it: the image normalised to the study resolution, or the report normalised. */
function stimulusOf(candidate: StimulusCandidate, size: number): Stimulus {
  return candidate.report !== undefined ? { report: normaliseReportStimulus(candidate.report) } : { image: normaliseStimulus(candidate.image, size) };
}

/** Why a candidate cannot be a case of a study showing `kind`, or null. */
function candidateProblem(candidate: StimulusCandidate, kind: StimulusKind): string | null {
  if (kind === 'report') {
    if (candidate.report === undefined) return 'is an image, and this study shows reports';
    const text = normaliseReportStimulus(candidate.report);
    if (text === '') return 'has an empty report';
    if (text.length > MAX_STIMULUS_REPORT_LENGTH) return `has a report longer than ${MAX_STIMULUS_REPORT_LENGTH} characters`;
    return null;
  }
  if (candidate.report !== undefined) return 'is a report, and this study shows images';
  const { image } = candidate;
  return image.width < 1 || image.height < 1 || image.pixels.length !== image.width * image.height ? 'has no usable pixels' : null;
}

function caseTotal(mix: { real: number; synthetic: number }): number {
  return mix.real + mix.synthetic;
}

/** "1 reader", "3 readers". */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function buildStudy(input: BuildStudyInput): BuildStudyResult {
  const { settings } = input;
  const problems = checkSettings(settings);
  if (problems.length > 0) return { ok: false, problems };

  const notes: string[] = [];
  const seen = new Set<string>();
  // what readers judge, and what the messages call a stimulus ("image", "report")
  const kind = stimulusKind(settings);
  const seenTexts = new Map<string, string>();
  const pools: Record<Truth, StimulusCandidate[]> = { real: [], synthetic: [] };
  for (const candidate of input.candidates) {
    const identity = sourceIdentity(candidate.source);
    if (seen.has(identity)) {
      notes.push(`${identity} was offered twice; it is used once.`);
      continue;
    }
    seen.add(identity);
    const problem = candidateProblem(candidate, kind);
    if (problem) {
      notes.push(`${identity} ${problem} and was left out.`);
      continue;
    }
    // The same report text twice (short sampled reports repeat) would be an unplanned repeat, and a text that
    // appears twice points to the generator: each text is used once.
    if (candidate.report !== undefined) {
      const text = normaliseReportStimulus(candidate.report);
      const first = seenTexts.get(text);
      if (first !== undefined) {
        notes.push(`${identity} has the same text as ${first}; it was left out.`);
        continue;
      }
      seenTexts.set(text, identity);
    }
    pools[candidate.truth].push(candidate);
  }

  const wanted = caseMix(settings);
  for (const truth of ['real', 'synthetic'] as const) {
    if (pools[truth].length < wanted[truth]) {
      problems.push(
        `The study needs ${plural(wanted[truth], `${truth} ${kind}`)} but only ${pools[truth].length} ${pools[truth].length === 1 ? 'is' : 'are'} chosen. ` +
          `Choose more ${kind}s, or lower the number of cases or change the share of synthetic cases.`,
      );
    }
  }
  const practiceWanted = settings.practiceCases ?? 0;
  const spare = pools.real.length - wanted.real + (pools.synthetic.length - wanted.synthetic);
  if (problems.length === 0 && practiceWanted > spare) {
    problems.push(
      `Practice cases must be ${kind}s the study does not use: ${plural(practiceWanted, 'practice case')} need ${practiceWanted} more chosen ${kind}${practiceWanted === 1 ? '' : 's'} than the ${caseTotal(wanted)} cases, and ${spare === 0 ? 'none is' : `only ${spare} ${spare === 1 ? 'is' : 'are'}`} left over. Choose more ${kind}s or fewer practice cases.`,
    );
  }
  if (problems.length > 0) return { ok: false, problems };

  const random = createSeededRandom(settings.seed);
  // Draw per class (so the mix is exact), then shuffle the union so position says nothing about truth.
  const realDrawn = shuffled(pools.real, random);
  const syntheticDrawn = shuffled(pools.synthetic, random);
  const picked = [...realDrawn.slice(0, wanted.real), ...syntheticDrawn.slice(0, wanted.synthetic)];
  const ordered = shuffled(picked, random);

  const usedIds = new Set<string>();
  const cases: StudyCase[] = [];
  const key: CaseKey[] = [];
  for (const candidate of ordered) {
    let caseId = `c${randomHex(random, CASE_ID_HEX)}`;
    while (usedIds.has(caseId)) caseId = `c${randomHex(random, CASE_ID_HEX)}`;
    usedIds.add(caseId);
    cases.push({ caseId, ...stimulusOf(candidate, settings.resolution) });
    const findingTruth = candidate.labels && settings.questions.findings.length > 0 ? findingTruthFor(candidate.labels, settings.questions.findings) : undefined;
    key.push({ caseId, truth: candidate.truth, source: candidate.source, ...(findingTruth ? { findingTruth } : {}) });
  }
  key.sort((a, b) => a.caseId.localeCompare(b.caseId));

  // Practice cases come from what the study left over, alternating synthetic and real while both last, after the
  // study's own draws (so a study without practice is drawn exactly as before practice existed).
  // Never the other view of a study case: the feedback would tell the truth of that case.
  const studyPatients = new Set(picked.map((c) => sourcePatient(c.source)));
  const unrelated = (c: StimulusCandidate) => !studyPatients.has(sourcePatient(c.source));
  const leftover = { real: realDrawn.slice(wanted.real).filter(unrelated), synthetic: syntheticDrawn.slice(wanted.synthetic).filter(unrelated) };
  // Each with its stimulus as the study shows it, normalised once.
  const practicePool: { readonly candidate: StimulusCandidate; readonly stimulus: Stimulus }[] = [];
  // Nor the same pixels (or text) under another name (a copied file, a result made twice with the same settings).
  const studyStimuli = new Set(cases.map((c) => stimulusIdentity(c)));
  while (practicePool.length < practiceWanted && leftover.real.length + leftover.synthetic.length > 0) {
    const truth: Truth = practicePool.length % 2 === 0 ? (leftover.synthetic.length > 0 ? 'synthetic' : 'real') : leftover.real.length > 0 ? 'real' : 'synthetic';
    const candidate = leftover[truth].shift() as StimulusCandidate;
    const stimulus = stimulusOf(candidate, settings.resolution);
    if (!studyStimuli.has(stimulusIdentity(stimulus))) practicePool.push({ candidate, stimulus });
  }
  if (practicePool.length < practiceWanted) {
    return {
      ok: false,
      problems: [
        `Practice cases must be ${kind}s the study does not use, nor another view of one it uses: only ${practicePool.length} of the chosen ${kind}s ${practicePool.length === 1 ? 'is' : 'are'} left for ${plural(practiceWanted, 'practice case')}. Choose more ${kind}s or fewer practice cases.`,
      ],
    };
  }
  const practice: PracticeCase[] = shuffled(practicePool, random).map(({ candidate, stimulus }) => {
    let caseId = `p${randomHex(random, CASE_ID_HEX)}`;
    while (usedIds.has(caseId)) caseId = `p${randomHex(random, CASE_ID_HEX)}`;
    usedIds.add(caseId);
    return { caseId, ...stimulus, truth: candidate.truth, source: candidate.source };
  });

  const unused = pools.real.length + pools.synthetic.length - cases.length - practice.length;
  if (unused > 0) notes.push(`${plural(unused, `chosen ${kind}`)} ${unused === 1 ? 'was' : 'were'} not drawn (the study takes ${cases.length}).`);

  return {
    ok: true,
    notes,
    study: {
      format: STUDY_FORMAT,
      formatVersion: STUDY_FORMAT_VERSION,
      studyId: input.studyId,
      createdAt: input.createdAt,
      appVersion: input.appVersion,
      settings,
      cases,
      key,
      ...(practice.length > 0 ? { practice } : {}),
    },
  };
}

/** The hidden key as a map, for lookups by case id. */
export function keyByCase(study: Pick<Study, 'key'>): Map<string, CaseKey> {
  return new Map(study.key.map((entry) => [entry.caseId, entry]));
}
