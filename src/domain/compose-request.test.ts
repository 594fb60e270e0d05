import { describe, expect, it } from 'vitest';
import type { GreyImage } from '../contracts/job';
import { DIRECTIONS, type Modality } from '../contracts/modality';
import {
  composeRequest,
  findDirection,
  outputChoicesFor,
  parseSeed,
  validatePrompt,
  validateSettings,
} from './compose-request';
import { DEFAULT_SETTINGS, EMPTY_PROMPT, type PromptDraft } from './prompt-draft';

const image: GreyImage = { width: 2, height: 2, pixels: new Uint8ClampedArray([0, 64, 128, 255]) };
const context = { modelId: 'medcodi-nano', jobId: 'job-1', randomSeed: () => 4242 };

function draft(inputs: readonly Modality[], outputs: readonly Modality[]): PromptDraft {
  return {
    ...EMPTY_PROMPT,
    report: inputs.includes('report') ? '  Mild cardiomegaly. No effusion.  ' : '',
    images: {
      frontal: inputs.includes('frontal') ? { name: 'f.png', image } : null,
      lateral: inputs.includes('lateral') ? { name: 'l.png', image } : null,
    },
    outputs,
  };
}

describe('composeRequest', () => {
  it('builds T→F with the drawn seed recorded and the report trimmed', () => {
    const result = composeRequest(draft(['report'], ['frontal']), DEFAULT_SETTINGS, context);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.direction.id).toBe('T>F');
    expect(result.request.settings.seed).toBe(4242);
    expect(result.request.inputs).toEqual([{ modality: 'report', weight: 1, text: 'Mild cardiomegaly. No effusion.' }]);
    expect(result.request.outputs).toEqual(['frontal']);
    expect(result.request.jobId).toBe('job-1');
    expect('variant' in result.request).toBe(false);
  });

  it('keeps a typed seed instead of drawing one', () => {
    const result = composeRequest(draft(['frontal'], ['report']), { ...DEFAULT_SETTINGS, seedText: ' 7 ' }, context);
    expect(result.ok && result.request.settings.seed).toBe(7);
  });

  it('draws a random seed in range without an injected source', () => {
    const result = composeRequest(draft(['report'], ['lateral']), DEFAULT_SETTINGS, {
      modelId: 'm',
      jobId: 'j',
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(Number.isInteger(result.request.settings.seed)).toBe(true);
    expect(result.request.settings.seed).toBeGreaterThanOrEqual(0);
    expect(result.request.settings.seed).toBeLessThanOrEqual(0xffffffff);
  });

  it('accepts every one of the 12 directions, ordering inputs and outputs as the direction does', () => {
    for (const direction of DIRECTIONS) {
      const shuffled = [...direction.outputs].reverse();
      const result = composeRequest(draft(direction.inputs, shuffled), DEFAULT_SETTINGS, context);
      expect(result.ok, direction.id).toBe(true);
      if (!result.ok) continue;
      expect(result.direction.id).toBe(direction.id);
      expect(result.request.outputs).toEqual(direction.outputs);
      expect(result.request.inputs.map((i) => i.modality)).toEqual(direction.inputs);
    }
  });

  it('passes the variant and the mix weights through', () => {
    const d = { ...draft(['frontal', 'report'], ['lateral']), weights: { frontal: 2, lateral: 1, report: 0.5 } };
    const result = composeRequest(d, DEFAULT_SETTINGS, { ...context, variant: 'fp32' });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.request.variant).toBe('fp32');
    expect(result.request.inputs.map((i) => [i.modality, i.weight])).toEqual([
      ['frontal', 2],
      ['report', 0.5],
    ]);
  });

  it('refuses without a model', () => {
    const result = composeRequest(draft(['report'], ['frontal']), DEFAULT_SETTINGS, { ...context, modelId: '' });
    expect(result).toEqual({ ok: false, problems: ['No model is selected: open Models and choose one.'] });
  });

  it('collects prompt and settings problems together', () => {
    const result = composeRequest(draft([], []), { ...DEFAULT_SETTINGS, steps: 0 }, context);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toContain('Choose at least one output.');
    expect(result.problems).toContain('Steps must be a whole number from 1 to 1000.');
  });
});

describe('validatePrompt', () => {
  it('asks for an output', () => {
    expect(validatePrompt(draft(['report'], []))).toEqual(['Choose at least one output.']);
  });

  it('explains an empty report when images are wanted and nothing is loaded', () => {
    const problems = validatePrompt({ ...draft([], ['frontal']), report: '   \n ' });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^The report is empty/);
  });

  it('asks for an image when a report is wanted from nothing', () => {
    expect(validatePrompt(draft([], ['report']))).toEqual(['Add a frontal or lateral image to write a report from.']);
  });

  it("says an input can't also be an output", () => {
    const problems = validatePrompt(draft(['frontal', 'report'], ['frontal']));
    expect(problems).toEqual([
      "An input can't also be an output: remove the frontal image or turn off the frontal image output.",
    ]);
    expect(validatePrompt(draft(['report'], ['report']))[0]).toMatch(/clear the report text/);
  });

  it('accepts every overlap-free combination of the paper', () => {
    expect(validatePrompt(draft(['frontal'], ['lateral', 'report']))).toEqual([]);
    expect(validatePrompt(draft(['report'], ['lateral', 'frontal']))).toEqual([]);
    expect(validatePrompt(draft(['lateral', 'report'], ['frontal']))).toEqual([]);
    expect(validatePrompt(draft(['frontal', 'lateral'], ['report']))).toEqual([]);
  });

  it('refuses three inputs together, saying which', () => {
    expect(validatePrompt(draft(['frontal', 'lateral', 'report'], []))).toEqual([
      'Choose at least one output.',
      "MedCoDi-M can't condition on the frontal image, lateral image and report together; clear one of them.",
    ]);
  });

  it('rejects bad mix weights of active inputs only', () => {
    const d = { ...draft(['report'], ['frontal']), weights: { frontal: -1, lateral: Number.NaN, report: 0 } };
    expect(validatePrompt(d)).toEqual(['The report weight must be a number above 0 and at most 10.']);
  });
});

describe('findDirection / outputChoicesFor', () => {
  it('matches sets regardless of order', () => {
    expect(findDirection(['report', 'frontal'], ['lateral'])?.id).toBe('F+T>L');
    expect(findDirection(['frontal'], ['lateral', 'report'])?.id).toBe('F>T+L');
    expect(findDirection(['frontal', 'lateral', 'report'], ['frontal'])).toBeUndefined();
  });

  it('lists output sets per input set', () => {
    expect(outputChoicesFor(['report'])).toEqual([['frontal'], ['lateral'], ['frontal', 'lateral']]);
    expect(outputChoicesFor(['frontal', 'lateral'])).toEqual([['report']]);
    expect(outputChoicesFor(['frontal', 'lateral', 'report'])).toEqual([]);
  });
});

describe('parseSeed / validateSettings', () => {
  it('parses seeds', () => {
    expect(parseSeed('')).toEqual({ ok: true, seed: null });
    expect(parseSeed('0')).toEqual({ ok: true, seed: 0 });
    expect(parseSeed('4294967295')).toEqual({ ok: true, seed: 4294967295 });
    expect(parseSeed('4294967296').ok).toBe(false);
    expect(parseSeed('-1').ok).toBe(false);
    expect(parseSeed('1.5').ok).toBe(false);
    expect(parseSeed('abc').ok).toBe(false);
  });

  it('accepts the defaults and reports each bad field once', () => {
    expect(validateSettings(DEFAULT_SETTINGS)).toEqual([]);
    const problems = validateSettings({
      steps: 2.5,
      guidanceScale: Number.NaN,
      seedText: 'x',
      sampler: 'euler' as 'ddim',
      eta: 2,
      previewEvery: -1,
      temperature: 0,
      topP: 0,
      maxTokens: 0,
      reportCandidates: 17,
      varyBy: 'seed',
      variations: 5,
      varyValues: 'ignored when the seed varies',
    });
    expect(problems).toEqual([
      'Steps must be a whole number from 1 to 1000.',
      'Guidance must be a number from 0 to 30.',
      'The seed must be a whole number from 0 to 4294967295, or empty for a random one.',
      'Unknown sampler "euler".',
      'Eta must be a number from 0 to 1.',
      'Preview every must be a whole number from 0 to 1000.',
      'Temperature must be a number above 0 and at most 2.',
      'Top-p must be a number above 0 and at most 1.',
      'Max tokens must be a whole number from 1 to 1024.',
      'Report candidates must be a whole number from 1 to 16.',
      'Variations must be a whole number from 1 to 4.',
    ]);
  });

  it('checks the swept values when guidance or steps vary, and refuses an unknown setting to vary', () => {
    const base = { ...DEFAULT_SETTINGS, variations: 99 };
    expect(validateSettings({ ...base, varyBy: 'guidance', varyValues: '3, 7.5' })).toEqual([]);
    expect(validateSettings({ ...base, varyBy: 'guidance', varyValues: '3' })).toEqual([
      'Guidance values must be 2 to 4 different numbers from 0 to 30, separated by commas (e.g. 3, 7.5).',
    ]);
    expect(validateSettings({ ...base, varyBy: 'steps', varyValues: '20, 50.5' })).toEqual([
      'Steps values must be 2 to 4 different whole numbers from 1 to 1000, separated by commas (e.g. 20, 50); "50.5" is not.',
    ]);
    expect(validateSettings({ ...base, varyBy: 'size' as 'seed' })).toEqual(['Unknown setting to vary "size".']);
    // The swept setting's own field is not used, so it is not checked either; the other one still is.
    expect(validateSettings({ ...base, steps: Number.NaN, varyBy: 'steps', varyValues: '20, 50' })).toEqual([]);
    expect(validateSettings({ ...base, guidanceScale: Number.NaN, steps: Number.NaN, varyBy: 'guidance', varyValues: '3, 7.5' })).toEqual([
      'Steps must be a whole number from 1 to 1000.',
    ]);
  });
});
