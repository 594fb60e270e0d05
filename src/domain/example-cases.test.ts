import { describe, expect, it } from 'vitest';
import { exampleDirectionFor } from './compose-request';
import { parseExampleCases, positiveLabels } from './example-cases';

describe('parseExampleCases', () => {
  it('keeps good cases and explains skipped ones', () => {
    const parsed = parseExampleCases([
      { id: 'a', title: 'Case A: normal', frontal: 'examples/a_f.png', lateral: 'examples/a_l.png', report: 'Normal.', labels: { cardiomegaly: false } },
      { id: 'b', frontal: '/etc/passwd', lateral: 'examples/b_l.png', report: 'x' },
      { id: 'c', frontal: 'https://evil.example/x.png', lateral: 'examples/c_l.png', report: 'x' },
      { id: 'd', frontal: 'examples/../../d.png', lateral: 'examples/d_l.png', report: 'x' },
      { frontal: 'examples/e.png' },
      'nonsense',
      { id: 'a', frontal: 'examples/a_f.png', lateral: 'examples/a_l.png', report: 'again' },
      { id: 'f', frontal: 'examples/f_f.png', lateral: 'examples/f_l.png', report: 'Effusion.', labels: 'bad' },
    ]);
    expect(parsed.cases.map((c) => c.id)).toEqual(['a', 'f']);
    expect(parsed.cases[0]?.title).toBe('Case A: normal');
    expect(parsed.cases[1]?.labels).toEqual({});
    expect(parsed.cases[1]?.title).toBeUndefined();
    expect(parsed.problems).toHaveLength(6);
    expect(parsed.problems[0]).toMatch(/Example "b"/);
    expect(parsed.problems[3]).toBe('Example 5 has no id and was skipped.');
  });

  it('rejects a file that is not a list', () => {
    expect(parseExampleCases({ cases: [] })).toEqual({ cases: [], problems: ['examples/cases.json should be a list of cases.'] });
  });
});

describe('positiveLabels', () => {
  it('lists present findings only', () => {
    expect(
      positiveLabels({ cardiomegaly: true, pneumothorax: false, pleural_effusion: { side: 'left' }, edema: { present: false }, n: 1 }),
    ).toEqual(['cardiomegaly', 'pleural_effusion', 'n']);
  });
});

describe('exampleDirectionFor', () => {
  it('picks the paper direction for the chosen outputs', () => {
    expect(exampleDirectionFor(['frontal']).id).toBe('T>F');
    expect(exampleDirectionFor(['lateral']).id).toBe('T>L');
    expect(exampleDirectionFor(['report']).id).toBe('F>T');
    expect(exampleDirectionFor(['lateral', 'frontal']).id).toBe('T>F+L');
    expect(exampleDirectionFor(['report', 'lateral']).id).toBe('F>T+L');
    expect(exampleDirectionFor([]).id).toBe('T>F');
  });
});
