import { describe, expect, it } from 'vitest';
import type { GenerationSettings } from '../contracts/job';
import { MAX_COMPARED, compareFindings, compareSettings, describeInputs, imageSizes, pruneCompared, toggleCompared } from './result-compare';
import type { OutputFindings } from './result-findings';
import type { ResultRecord } from './result-record';
import { sampleRecord } from './io/testing/sample-record';

const image = { width: 1, height: 1, pixels: new Uint8ClampedArray([0]) };

/** The shared sample record as a T→F result with one tiny frontal, its settings patched field by field. */
function record(id: string, over: Partial<Omit<ResultRecord, 'settings'>> & { settings?: Partial<GenerationSettings> } = {}): ResultRecord {
  const { settings: s, ...rest } = over;
  const base = sampleRecord({
    id,
    modelVersion: '0.2.1',
    directionId: 'T>F',
    inputs: [{ modality: 'report', weight: 1, sha256: '0123456789abcdef'.repeat(4) }],
    outputs: { frontal: image },
    ...rest,
  });
  return { ...base, settings: { ...base.settings, ...s } };
}

const byLabel = (rows: ReturnType<typeof compareSettings>) => Object.fromEntries(rows.map((r) => [r.label, r]));

describe('toggleCompared', () => {
  it('adds in order, removes, and refuses one more than MAX_COMPARED', () => {
    let selected: readonly string[] = [];
    for (const id of ['a', 'b', 'c', 'd']) selected = toggleCompared(selected, id).selected;
    expect(MAX_COMPARED).toBe(4);
    expect(selected).toEqual(['a', 'b', 'c', 'd']);
    const refused = toggleCompared(selected, 'e');
    expect(refused).toEqual({ selected: ['a', 'b', 'c', 'd'], refused: true });
    const removed = toggleCompared(selected, 'b');
    expect(removed).toEqual({ selected: ['a', 'c', 'd'], refused: false });
    expect(toggleCompared(removed.selected, 'e')).toEqual({ selected: ['a', 'c', 'd', 'e'], refused: false });
  });

  it('prunes ids that left History and keeps the same array when nothing left', () => {
    const selected = ['a', 'b', 'c'];
    expect(pruneCompared(selected, ['c', 'a', 'x'])).toEqual(['a', 'c']);
    expect(pruneCompared(selected, new Set(['a', 'b', 'c', 'd']))).toBe(selected);
    expect(pruneCompared(selected, [])).toEqual([]);
  });
});

describe('compareSettings', () => {
  it('marks exactly the rows whose values differ (two seeds of one prompt)', () => {
    const rows = compareSettings([record('a', { settings: { seed: 1 } }), record('b', { settings: { seed: 2 } })]);
    const differing = rows.filter((r) => r.differs).map((r) => r.label);
    expect(differing).toEqual(['Seed']);
    expect(byLabel(rows).Seed?.values).toEqual(['1', '2']);
    expect(byLabel(rows).Inputs).toEqual({ label: 'Inputs', values: ['report 01234567 ×1', 'report 01234567 ×1'], differs: false });
    // No report output: no decoding rows.
    expect(rows.map((r) => r.label)).not.toContain('Temperature');
    expect(rows.map((r) => r.label)).toContain('Eta');
  });

  it('names samplers and backends, shows different inputs and steps, and decoding rows only for reports', () => {
    const a = record('a', { directionId: 'F>T', outputs: { report: 'No acute disease.' }, inputs: [{ modality: 'frontal', weight: 1, sha256: 'aa'.repeat(32) }] });
    const b = record('b', {
      directionId: 'F+L>T',
      backend: 'webgpu',
      outputs: { report: 'Cardiomegaly.' },
      settings: { sampler: 'dpmpp-2m', steps: 20, temperature: 0.7 },
      inputs: [
        { modality: 'frontal', weight: 1, sha256: 'aa'.repeat(32) },
        { modality: 'lateral', weight: 0.5, sha256: 'bb'.repeat(32) },
      ],
      consensus: { seeds: [1, 2, 3], chosen: 0, agreement: [1, 1, 1], totalMs: 3, reports: ['x', 'y', 'z'] },
    });
    const c = record('c'); // T→F: an image, so its decoding cells are dashes
    const rows = byLabel(compareSettings([a, b, c]));
    expect(rows.Direction?.values).toEqual(['F → T', 'F+L → T', 'T → F']);
    expect(rows.Inputs?.values).toEqual(['frontal image aaaaaaaa ×1', 'frontal image aaaaaaaa ×1, lateral image bbbbbbbb ×0.5', 'report 01234567 ×1']);
    expect(rows['Variant and backend']?.values).toEqual(['fp32, WASM', 'fp32, WebGPU', 'fp32, WASM']);
    expect(rows.Sampler?.values).toEqual(['DDIM', 'DPM-Solver++ (2M)', 'DDIM']);
    expect(rows.Eta?.values).toEqual(['1', '—', '1']);
    expect(rows.Steps).toEqual({ label: 'Steps', values: ['50', '20', '50'], differs: true });
    expect(rows.Temperature?.values).toEqual(['1', '0.7', '—']);
    expect(rows['Report candidates']?.values).toEqual(['1', '3', '—']);
    expect(rows.Guidance?.differs).toBe(false);
  });

  it('leaves out eta when every record used DPM-Solver++, and says when inputs were not recorded', () => {
    const rows = compareSettings([record('a', { settings: { sampler: 'dpmpp-2m' }, inputs: [] }), record('b', { settings: { sampler: 'dpmpp-2m' } })]);
    expect(rows.map((r) => r.label)).not.toContain('Eta');
    expect(byLabel(rows).Inputs?.values[0]).toBe('none recorded');
    expect(describeInputs({ inputs: [] })).toBe('none recorded');
    expect(describeInputs({} as never)).toBe('none recorded');
  });
});

describe('compareFindings', () => {
  const labels = ['cardiomegaly', 'pleural effusion', 'pneumothorax'];
  const classifier = (probs: number[]) => ({ labels, probs });

  it('has a column per output, reads images by the classifier and reports by the labeler, and marks disagreement within a kind', () => {
    const a = record('a', { directionId: 'T>F+L', outputs: { frontal: image, lateral: image } });
    const b = record('b', { directionId: 'T>F+L', outputs: { frontal: image, lateral: image } });
    const c = record('c', { directionId: 'F>T', outputs: { report: 'Cardiomegaly.' } });
    const findings: OutputFindings[] = [
      { frontal: classifier([0.9, 0.1, 0.2]), lateral: classifier([0.2, 0.1, 0.1]) },
      { frontal: classifier([0.8, 0.7, 0.2]) }, // its lateral is still being classified
      { report: { cardiomegaly: 1, pneumothorax: -1 } },
    ];
    const m = compareFindings([a, b, c], findings, labels);
    expect(m.columns).toEqual([
      { record: 0, modality: 'frontal' },
      { record: 0, modality: 'lateral' },
      { record: 1, modality: 'frontal' },
      { record: 1, modality: 'lateral' },
      { record: 2, modality: 'report' },
    ]);
    const rows = Object.fromEntries(m.rows.map((r) => [r.label, r]));
    // Frontal present in both; a's lateral says absent, b's lateral is pending: a frontal/lateral split is not a difference.
    expect(rows.cardiomegaly).toEqual({ label: 'cardiomegaly', cells: ['present', 'absent', 'present', null, 'present'], differs: false });
    // Frontal a absent, frontal b present: differs.
    expect(rows['pleural effusion']).toEqual({ label: 'pleural effusion', cells: ['absent', 'absent', 'present', null, 'absent'], differs: true });
    // The one report is uncertain; no other report to disagree with.
    expect(rows.pneumothorax?.cells).toEqual(['absent', 'absent', 'absent', null, 'uncertain']);
    expect(rows.pneumothorax?.differs).toBe(false);
    expect(m.differing).toBe(1);
  });

  it('counts uncertain against absent as a difference between two reports, and refuses mismatched inputs', () => {
    const a = record('a', { outputs: { report: 'x' } });
    const b = record('b', { outputs: { report: 'y' } });
    const m = compareFindings([a, b], [{ report: { pneumothorax: -1 } }, { report: {} }], labels);
    expect(m.rows.map((r) => r.differs)).toEqual([false, false, true]);
    expect(() => compareFindings([a, b], [{}], labels)).toThrow('Findings for 1 results, expected 2');
  });

  it('treats a label the classifier does not know as unknown, never as a difference', () => {
    const a = record('a');
    const b = record('b');
    const m = compareFindings([a, b], [{ frontal: { labels: ['cardiomegaly'], probs: [0.9] } }, { frontal: classifier([0.1, 0.1, 0.1]) }], labels);
    expect(m.rows[1]).toEqual({ label: 'pleural effusion', cells: ['unknown', 'absent'], differs: false });
    expect(m.rows[0]?.differs).toBe(true);
  });
});

describe('imageSizes', () => {
  it('lists each distinct image size once, over both views, and none for reports', () => {
    const small = { width: 32, height: 32, pixels: new Uint8ClampedArray(32 * 32) };
    const a = record('a', { outputs: { frontal: image, lateral: image } });
    const b = record('b', { outputs: { frontal: image } });
    const c = record('c', { outputs: { report: 'x' } });
    expect(imageSizes([a, b, c])).toEqual(['1×1']);
    expect(imageSizes([c])).toEqual([]);
    expect(imageSizes([a, record('d', { outputs: { lateral: small } })])).toEqual(['1×1', '32×32']);
  });
});
