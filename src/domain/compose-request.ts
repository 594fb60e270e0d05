/**
 * @file PromptDraft + SettingsDraft → a validated GenerationRequest. Every problem comes back as a sentence the
 * user can act on; nothing here throws for bad input. An empty seed field draws a random seed, and the drawn seed
 * is written into the request so the result can be reproduced.
 */
import type { ConditionInput, GenerationRequest, GenerationSettings, SamplerKind } from '../contracts/job';
import { DIRECTIONS, type Direction, type Modality } from '../contracts/modality';
import { activeInputs, type PromptDraft, type SettingsDraft } from './prompt-draft';
import { GUIDANCE_RANGE, MAX_REPORT_CANDIDATES, MAX_SEED, MAX_VARIATIONS, STEPS_RANGE } from './limits';
import { VARY_BY, parseVariationValues } from './variations';

export { MAX_REPORT_CANDIDATES, MAX_SEED, MAX_VARIATIONS };

export const MODALITY_NAMES: Readonly<Record<Modality, string>> = {
  frontal: 'frontal image',
  lateral: 'lateral image',
  report: 'report',
};

const SAMPLERS: readonly SamplerKind[] = ['ddim', 'dpmpp-2m'];

export type ComposeResult =
  | { readonly ok: true; readonly request: GenerationRequest; readonly direction: Direction }
  | { readonly ok: false; readonly problems: readonly string[] };

export interface ComposeContext {
  readonly modelId: string;
  readonly variant?: string;
  readonly jobId: string;
  /** Source of a seed when the seed field is empty; defaults to crypto.getRandomValues. */
  readonly randomSeed?: () => number;
}

function sameSet(a: readonly Modality[], b: readonly Modality[]): boolean {
  return a.length === b.length && a.every((m) => b.includes(m));
}

/** The direction whose inputs and outputs are exactly these sets, or undefined if MedCoDi-M has none. */
export function findDirection(inputs: readonly Modality[], outputs: readonly Modality[]): Direction | undefined {
  return DIRECTIONS.find((d) => sameSet(d.inputs, inputs) && sameSet(d.outputs, outputs));
}

/** Every output set the model supports for this input set (empty when the inputs themselves are unsupported). */
export function outputChoicesFor(inputs: readonly Modality[]): (readonly Modality[])[] {
  return DIRECTIONS.filter((d) => sameSet(d.inputs, inputs)).map((d) => d.outputs);
}

function listNames(modalities: readonly Modality[]): string {
  const names = modalities.map((m) => MODALITY_NAMES[m]);
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1] ?? ''}`;
}

export function randomSeed(): number {
  const buffer = new Uint32Array(1);
  crypto.getRandomValues(buffer);
  return buffer[0] ?? 0;
}


/** Parses the seed field: empty → null (draw one), otherwise a whole number in [0, 2^32 − 1]. */
export function parseSeed(text: string): { ok: true; seed: number | null } | { ok: false; problem: string } {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: true, seed: null };
  if (!/^\d+$/.test(trimmed) || Number(trimmed) > MAX_SEED) {
    return { ok: false, problem: `The seed must be a whole number from 0 to ${MAX_SEED}, or empty for a random one.` };
  }
  return { ok: true, seed: Number(trimmed) };
}

function checkNumber(
  problems: string[],
  label: string,
  value: number,
  { min, max, integer = false, minExclusive = false }: { min: number; max: number; integer?: boolean; minExclusive?: boolean },
): void {
  const tooLow = minExclusive ? value <= min : value < min;
  if (!Number.isFinite(value) || tooLow || value > max || (integer && !Number.isInteger(value))) {
    const kind = integer ? 'a whole number' : 'a number';
    const range = minExclusive ? `above ${min} and at most ${max}` : `from ${min} to ${max}`;
    problems.push(`${label} must be ${kind} ${range}.`);
  }
}

/** Range checks for the settings form, in the order the form shows them. */
export function validateSettings(settings: SettingsDraft): string[] {
  const problems: string[] = [];
  // A setting swept under Variations takes its values from there; its own field is not used.
  if (settings.varyBy !== 'steps') checkNumber(problems, 'Steps', settings.steps, { ...STEPS_RANGE, integer: true });
  if (settings.varyBy !== 'guidance') checkNumber(problems, 'Guidance', settings.guidanceScale, GUIDANCE_RANGE);
  const seed = parseSeed(settings.seedText);
  if (!seed.ok) problems.push(seed.problem);
  if (!SAMPLERS.includes(settings.sampler)) problems.push(`Unknown sampler "${String(settings.sampler)}".`);
  checkNumber(problems, 'Eta', settings.eta, { min: 0, max: 1 });
  checkNumber(problems, 'Preview every', settings.previewEvery, { min: 0, max: 1000, integer: true });
  checkNumber(problems, 'Temperature', settings.temperature, { min: 0, max: 2, minExclusive: true });
  checkNumber(problems, 'Top-p', settings.topP, { min: 0, max: 1, minExclusive: true });
  checkNumber(problems, 'Max tokens', settings.maxTokens, { min: 1, max: 1024, integer: true });
  checkNumber(problems, 'Report candidates', settings.reportCandidates, { min: 1, max: MAX_REPORT_CANDIDATES, integer: true });
  if (!VARY_BY.includes(settings.varyBy)) problems.push(`Unknown setting to vary "${String(settings.varyBy)}".`);
  else if (settings.varyBy === 'seed') checkNumber(problems, 'Variations', settings.variations, { min: 1, max: MAX_VARIATIONS, integer: true });
  else {
    const values = parseVariationValues(settings.varyBy, settings.varyValues);
    if (!values.ok) problems.push(values.problem);
  }
  return problems;
}

/** Checks the prompt alone: outputs chosen, inputs present, no overlap, a supported direction, sane weights. */
export function validatePrompt(draft: PromptDraft): string[] {
  const problems: string[] = [];
  const inputs = activeInputs(draft);
  const outputs = draft.outputs;
  if (outputs.length === 0) problems.push('Choose at least one output.');
  const overlap = outputs.filter((m) => inputs.includes(m));
  for (const m of overlap) {
    const remedy = m === 'report' ? 'clear the report text' : `remove the ${MODALITY_NAMES[m]}`;
    problems.push(`An input can't also be an output: ${remedy} or turn off the ${MODALITY_NAMES[m]} output.`);
  }
  if (inputs.length === 0) {
    problems.push(
      outputs.includes('report')
        ? 'Add a frontal or lateral image to write a report from.'
        : 'The report is empty: type or paste a report, load an image, or load an example case.',
    );
  }
  const choices = outputChoicesFor(inputs);
  if (inputs.length > 0 && choices.length === 0) {
    problems.push(`MedCoDi-M can't condition on the ${listNames(inputs)} together; clear one of them.`);
  } else if (problems.length === 0 && !findDirection(inputs, outputs)) {
    // Unreachable with the 12 directions of the paper; kept so a changed DIRECTIONS table still explains itself.
    problems.push(
      `From the ${listNames(inputs)}, MedCoDi-M can generate: ${choices.map((c) => listNames(c)).join('; or ')}.`,
    );
  }
  for (const m of inputs) {
    const weight = draft.weights[m];
    if (!Number.isFinite(weight) || weight <= 0 || weight > 10) {
      problems.push(`The ${MODALITY_NAMES[m]} weight must be a number above 0 and at most 10.`);
    }
  }
  return problems;
}

/** Validates the draft and builds the request; the seed is drawn here when the field is empty. */
export function composeRequest(draft: PromptDraft, settings: SettingsDraft, context: ComposeContext): ComposeResult {
  const problems = [...validatePrompt(draft), ...validateSettings(settings)];
  if (context.modelId.trim() === '') problems.push('No model is selected: open Models and choose one.');
  const direction = findDirection(activeInputs(draft), draft.outputs);
  if (problems.length > 0 || !direction) return { ok: false, problems };

  const parsedSeed = parseSeed(settings.seedText);
  const seed = (parsedSeed.ok ? parsedSeed.seed : null) ?? (context.randomSeed ?? randomSeed)();

  const inputs: ConditionInput[] = direction.inputs.map((modality): ConditionInput => {
    const weight = draft.weights[modality];
    if (modality === 'report') return { modality, weight, text: draft.report.trim() };
    const named = draft.images[modality];
    // findDirection only matched because the image is loaded.
    if (!named) throw new Error(`internal: ${modality} image vanished`);
    return { modality, weight, image: named.image };
  });
  const generationSettings: GenerationSettings = {
    steps: settings.steps,
    guidanceScale: settings.guidanceScale,
    seed,
    sampler: settings.sampler,
    eta: settings.eta,
    previewEvery: settings.previewEvery,
    temperature: settings.temperature,
    topP: settings.topP,
    maxTokens: settings.maxTokens,
  };
  const request: GenerationRequest = {
    jobId: context.jobId,
    modelId: context.modelId,
    ...(context.variant !== undefined ? { variant: context.variant } : {}),
    inputs,
    outputs: direction.outputs,
    settings: generationSettings,
  };
  return { ok: true, request, direction };
}

/**
 * The direction an example case fills in for the chosen outputs: the first of the paper's 12 with exactly these
 * outputs (T→F for a frontal image, F→T for a report, …), or T→F when the outputs match none.
 */
export function exampleDirectionFor(outputs: readonly Modality[]): Direction {
  const direction = DIRECTIONS.find((d) => sameSet(d.outputs, outputs)) ?? DIRECTIONS[0];
  if (!direction) throw new Error('internal: DIRECTIONS is empty');
  return direction;
}
