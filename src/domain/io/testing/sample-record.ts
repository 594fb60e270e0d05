/** Test-only: a finished T→F+L-style result record with small images and a report. */
import type { GreyImage } from '../../../contracts/job';
import type { ResultRecord } from '../../result-record';

export function gradientImage(size: number, offset = 0): GreyImage {
  const pixels = new Uint8ClampedArray(size * size);
  for (let y = 0; y < size; y += 1) for (let x = 0; x < size; x += 1) pixels[y * size + x] = (x * 4 + y + offset) % 256;
  return { width: size, height: size, pixels };
}

export function sampleRecord(overrides: Partial<ResultRecord> = {}): ResultRecord {
  return {
    recordVersion: 1,
    id: 'job-1',
    createdAt: '2026-11-27T20:30:05.123Z',
    modelId: 'medcodi-nano',
    modelVersion: '0.1.0',
    variant: 'fp32',
    backend: 'wasm',
    directionId: 'T>F+L',
    settings: { steps: 50, guidanceScale: 7.5, seed: 42, sampler: 'ddim', eta: 1, previewEvery: 0, temperature: 1, topP: 1, maxTokens: 60 },
    inputs: [{ modality: 'report', weight: 1, sha256: 'a'.repeat(64) }],
    inputNames: {},
    outputs: { frontal: gradientImage(64), lateral: gradientImage(64, 50), report: 'Enlarged cardiac silhouette. Small left pleural effusion.' },
    timings: { totalMs: 1000, sessionRunMs: 800, stepsRun: 50 },
    synthetic: true,
    ...overrides,
  };
}
