import { describe, expect, it } from 'vitest';
import type { JobResult } from '../contracts/job';
import {
  compactTimestamp,
  directionSlug,
  exportFileName,
  provenance,
  recordCaption,
  recordFromResult,
  recordOutputs,
  reportExportText,
} from './result-record';

const result: JobResult = {
  jobId: 'job-7',
  modelId: 'medcodi-nano',
  modelVersion: '0.1.0',
  variant: 'fp32',
  backend: 'wasm',
  directionId: 'F>T+L',
  settings: {
    steps: 20,
    guidanceScale: 7.5,
    seed: 42,
    sampler: 'ddim',
    eta: 1,
    previewEvery: 0,
    temperature: 1,
    topP: 1,
    maxTokens: 100,
  },
  inputs: [{ modality: 'frontal', weight: 1, sha256: 'ab'.repeat(32) }],
  outputs: {
    lateral: { width: 1, height: 1, pixels: new Uint8ClampedArray([9]) },
    report: 'No acute cardiopulmonary process.',
  },
  timings: { totalMs: 1000, sessionRunMs: 800, stepsRun: 20 },
  createdAt: '2026-11-27T20:30:05.123Z',
  synthetic: true,
};

describe('result records', () => {
  it('keeps provenance and outputs, and only names of inputs', () => {
    const record = recordFromResult(result, { frontal: 'case_003_frontal.png' });
    expect(record).toMatchObject({ id: 'job-7', directionId: 'F>T+L', synthetic: true, recordVersion: 1 });
    expect(record.inputNames).toEqual({ frontal: 'case_003_frontal.png' });
    expect(record.inputs[0]?.sha256).toHaveLength(64);
    expect(recordOutputs(record)).toEqual(['lateral', 'report']);
    expect(recordCaption(record)).toBe('F → T+L · seed 42 · 20 steps');
  });

  it('names exports synthetic_<direction>_<seed>_<time>', () => {
    const record = recordFromResult(result);
    expect(exportFileName(record, 'lateral')).toBe('synthetic_F-to-L_42_20261127T203005Z.png');
    expect(exportFileName(record, 'report')).toBe('synthetic_F-to-T_42_20261127T203005Z.txt');
    expect(exportFileName({ ...record, directionId: 'F+T>L' }, 'lateral')).toBe('synthetic_FT-to-L_42_20261127T203005Z.png');
  });

  it('builds slugs and timestamps safely', () => {
    expect(directionSlug('L+T>F', 'frontal')).toBe('LT-to-F');
    expect(directionSlug('T>F+L', 'lateral')).toBe('T-to-L');
    expect(compactTimestamp('2026-01-02T03:04:05Z')).toBe('20260102T030405Z');
    expect(compactTimestamp('nonsense')).toBe('undated');
  });

  it('writes ASCII provenance and a report file that says it is synthetic', () => {
    const record = recordFromResult(result);
    const lines = provenance(record, 'lateral');
    expect(lines['Title']).toBe('SYNTHETIC lateral (F -> T+L)');
    expect(Object.values(lines).join('')).toMatch(/^[\x20-\x7e]*$/);
    const text = reportExportText(record);
    expect(text.startsWith('# SYNTHETIC REPORT\n')).toBe(true);
    expect(text).toContain('seed 42');
    expect(text.trimEnd().endsWith('No acute cardiopulmonary process.')).toBe(true);
  });
});
