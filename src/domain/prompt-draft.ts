/**
 * @file What the user is composing before it becomes a GenerationRequest: the prompt (inputs, weights, chosen
 * outputs) and the settings as typed into the form. Plain data, shared by the store and compose-request.
 */
import type { GreyImage, SamplerKind } from '../contracts/job';
import type { ImageModality, Modality } from '../contracts/modality';
import type { VaryBy } from './variations';

/** A decoded input image plus the name the user knows it by (file name or example id). */
export interface NamedImage {
  readonly name: string;
  readonly image: GreyImage;
}

export interface PromptDraft {
  readonly report: string;
  readonly images: { readonly [M in ImageModality]: NamedImage | null };
  /** Mix weight per modality (spec §3.6); only the active inputs' weights are used. */
  readonly weights: { readonly [M in Modality]: number };
  readonly outputs: readonly Modality[];
}

/** Settings as the form holds them. `seedText` is free text so that empty can mean "random". */
export interface SettingsDraft {
  readonly steps: number;
  readonly guidanceScale: number;
  readonly seedText: string;
  readonly sampler: SamplerKind;
  readonly eta: number;
  readonly previewEvery: number;
  readonly temperature: number;
  readonly topP: number;
  readonly maxTokens: number;
  /** Jobs with a report output: sample this many (seeds s, s+1, …) and keep the consensus (report-consensus.ts). */
  readonly reportCandidates: number;
  /** What several results of one Generate differ in (variations.ts): the seed, or one swept setting. */
  readonly varyBy: VaryBy;
  /** Results per Generate when the seed varies, each with its own seed, offered side by side. */
  readonly variations: number;
  /** The values of the swept setting when guidance or steps vary ("3, 7.5"). */
  readonly varyValues: string;
}

export const DEFAULT_SETTINGS: SettingsDraft = {
  steps: 50,
  guidanceScale: 7.5,
  seedText: '',
  sampler: 'ddim',
  eta: 1,
  previewEvery: 10,
  // Reference decoding (spec §1.9): multinomial sampling, temperature 1, no top-p cut, 100 tokens.
  temperature: 1,
  topP: 1,
  maxTokens: 100,
  // One sample, as the reference; more trade time for reports closer to the model's most typical findings.
  reportCandidates: 1,
  varyBy: 'seed',
  variations: 1,
  varyValues: '',
};

export const EMPTY_PROMPT: PromptDraft = {
  report: '',
  images: { frontal: null, lateral: null },
  weights: { frontal: 1, lateral: 1, report: 1 },
  outputs: ['frontal'],
};

/** The modalities the draft supplies as conditions: loaded images and a non-blank report. */
export function activeInputs(draft: PromptDraft): Modality[] {
  const inputs: Modality[] = [];
  if (draft.images.frontal) inputs.push('frontal');
  if (draft.images.lateral) inputs.push('lateral');
  if (draft.report.trim() !== '') inputs.push('report');
  return inputs;
}
