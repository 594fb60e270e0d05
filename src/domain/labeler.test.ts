import { describe, expect, it } from 'vitest';
import cases from './__fixtures__/labeler-cases.json';
import { compileRules, labelReport, labelsToBinary, segmentText, type LabelerRules } from './labeler';
import { labelPhantomReport, phantomRules } from './labeler-rules';

describe('labeler port', () => {
  it('agrees with the Python phantom labeler on every fixture report', () => {
    expect(cases.length).toBeGreaterThan(50);
    for (const c of cases) {
      expect(labelPhantomReport(c.text).labels, c.text).toEqual(c.labels);
    }
  });

  it('highlights mentions with their verdict, cues and normal statements at the right offsets', () => {
    const text = 'The heart is enlarged. No pleural effusion. Possible pneumothorax. Lungs are clear.';
    const { highlights } = labelPhantomReport(text);
    const shown = highlights.map((h) => [text.slice(h.start, h.end), h.kind, h.labels.join(',')]);
    expect(shown).toEqual([
      ['heart is enlarged', 'positive', 'cardiomegaly'],
      ['No', 'cue', ''],
      ['pleural effusion', 'negated', 'pleural_effusion'],
      ['Possible', 'cue', ''],
      ['pneumothorax', 'uncertain', 'pneumothorax'],
      ['Lungs are clear', 'normal', 'consolidation,pulmonary_edema'],
    ]);
  });

  it('segments text around highlights without losing characters', () => {
    const text = 'No pleural effusion. Cardiomegaly.';
    const pieces = segmentText(text, labelPhantomReport(text).highlights);
    expect(pieces.map((p) => p.text).join('')).toBe(text);
    expect(pieces.filter((p) => p.highlight).map((p) => [p.text, p.highlight?.kind])).toEqual([
      ['No', 'cue'],
      ['pleural effusion', 'negated'],
      ['Cardiomegaly', 'positive'],
    ]);
  });

  it('drops highlights but keeps labels when lower-casing changes the text length', () => {
    const result = labelPhantomReport('İ Cardiomegaly.');
    expect(result.labels['cardiomegaly']).toBe(1);
    expect(result.highlights).toEqual([]);
  });

  it('maps uncertain to positive in the binary view', () => {
    expect(labelsToBinary({ a: 1, b: -1, c: 0, d: null })).toEqual({ a: 1, b: 1, c: 0, d: 0 });
  });

  it('rejects rules with unknown labels or empty phrases', () => {
    const base = phantomRules().rules;
    expect(() => compileRules({ ...base, mentions: { ...base.mentions, nonsense: ['x'] } } as LabelerRules)).toThrow(/unknown label/);
    expect(() => compileRules({ ...base, pseudo: ['  '] })).toThrow(/empty phrase/);
  });

  it('uses the window sizes from the rules', () => {
    const base = phantomRules().rules;
    const narrow = compileRules({ ...base, window: { pre: 0, post: 0 } });
    expect(labelReport('No large pneumothorax.', narrow).labels['pneumothorax']).toBe(1);
    expect(labelReport('No pneumothorax.', narrow).labels['pneumothorax']).toBe(0);
  });
});
