import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseModelEvaluation } from './model-evaluation';

const bundled = readFileSync(new URL('../../public/models/medcodi-nano/evaluation.json', import.meta.url));
const encode = (json: unknown) => new TextEncoder().encode(JSON.stringify(json));

describe('parseModelEvaluation', () => {
  it('reads the bundled model evaluation, bars and misses as written', () => {
    const evaluation = parseModelEvaluation(new Uint8Array(bundled), 'evaluation.json');
    expect(evaluation.model).toBe('medcodi-nano');
    const fl = evaluation.rows.find((r) => r.direction === 'F>L' && r.steps === 50);
    expect(fl).toMatchObject({ n: 200, bar: 0.8, passed: false });
    expect(fl!.value).toBeCloseTo(0.45, 6);
    // Rows without a bar (BLEU-4) parse to null, not to a number that could pass or fail.
    expect(evaluation.rows.find((r) => r.metric === 'BLEU-4')!.bar).toBeNull();
  });

  it('names the file when it is not JSON', () => {
    expect(() => parseModelEvaluation(new TextEncoder().encode('{"rows": ['), 'models/x/evaluation.json')).toThrow(/models\/x\/evaluation\.json is not JSON/);
  });

  it('lists every problem with its JSON path', () => {
    const bad = { model: 'm', rows: [{ direction: 'F>L', steps: 50, n: 0, metric: 'agreement', value: 'high' }] };
    let message = '';
    try {
      parseModelEvaluation(encode(bad), 'evaluation.json');
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain('evaluation.json is not a valid model evaluation (2 problems)');
    expect(message).toContain('rows[0].n: should be greater than 0');
    expect(message).toContain('rows[0].value: should be a number, but is the text "high"');
    expect(() => parseModelEvaluation(encode({ model: 'm', rows: [] }), 'e.json')).toThrow(/rows: should have at least 1 entry/);
  });
});
