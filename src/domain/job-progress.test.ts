import { describe, expect, it } from 'vitest';
import type { JobEvent } from '../contracts/job';
import { finishProgress, reduceJobEvent, startProgress } from './job-progress';

const image = { width: 1, height: 1, pixels: new Uint8ClampedArray([1]) };

function run(events: JobEvent[]) {
  return events.reduce(reduceJobEvent, startProgress('j', 'T>F'));
}

describe('reduceJobEvent', () => {
  it('follows a job from queue to done', () => {
    const states: string[] = [];
    let p = startProgress('j', 'T>F');
    const events: JobEvent[] = [
      { type: 'queued', jobId: 'j' },
      { type: 'download', jobId: 'j', file: 'unet.onnx', loaded: 1_048_576, total: 4_194_304 },
      { type: 'session', jobId: 'j', component: 'unet_frontal', backend: 'wasm' },
      { type: 'encode', jobId: 'j', modality: 'report' },
      { type: 'denoise', jobId: 'j', step: 5, totalSteps: 20 },
      { type: 'preview', jobId: 'j', modality: 'frontal', image, step: 5 },
      { type: 'decode', jobId: 'j', modality: 'frontal' },
      { type: 'done', jobId: 'j' },
    ];
    for (const e of events) {
      p = reduceJobEvent(p, e);
      states.push(`${p.stage}|${p.label}|${p.fraction}`);
    }
    expect(states).toEqual([
      'queued|Queued|0',
      'download|Downloading unet.onnx: 1.0 MB of 4.0 MB|0.25',
      'session|Loading unet_frontal (WASM)|0.25',
      'encode|Encoding the report|0.25',
      'denoise|Denoising: step 5 of 20|0.25',
      'denoise|Denoising: step 5 of 20|0.25',
      'decode|Decoding the frontal image|1',
      'done|Done|1',
    ]);
    expect(p.status).toBe('done');
    expect(p.previews.frontal?.step).toBe(5);
  });

  it('collects report tokens', () => {
    const p = run([
      { type: 'token', jobId: 'j', text: 'No acute', count: 2 },
      { type: 'token', jobId: 'j', text: 'No acute process.', count: 4 },
    ]);
    expect(p.reportSoFar).toBe('No acute process.');
    expect(p.label).toBe('Writing the report: 4 tokens');
  });

  it('ignores other jobs and anything after a terminal event', () => {
    const start = startProgress('j', 'T>F');
    expect(reduceJobEvent(start, { type: 'done', jobId: 'other' })).toBe(start);
    const cancelled = run([{ type: 'cancelled', jobId: 'j' }]);
    expect(cancelled.status).toBe('cancelled');
    expect(reduceJobEvent(cancelled, { type: 'denoise', jobId: 'j', step: 9, totalSteps: 10 })).toBe(cancelled);
    const failed = run([{ type: 'error', jobId: 'j', message: 'out of memory' }]);
    expect(failed).toMatchObject({ status: 'error', error: 'out of memory', label: 'Failed: out of memory' });
  });

  it('guards against zero totals', () => {
    expect(run([{ type: 'download', jobId: 'j', file: 'a', loaded: 5, total: 0 }]).fraction).toBe(0);
    expect(run([{ type: 'denoise', jobId: 'j', step: 0, totalSteps: 0 }]).fraction).toBe(0);
  });
});

describe('finishProgress', () => {
  it('ends a running job once and leaves finished ones alone', () => {
    const start = startProgress('j', 'T>F');
    expect(finishProgress(start, { status: 'error', message: 'boom' })).toMatchObject({ status: 'error', error: 'boom' });
    expect(finishProgress(start, { status: 'cancelled' }).status).toBe('cancelled');
    const done = finishProgress(start, { status: 'done' });
    expect(finishProgress(done, { status: 'error', message: 'late' })).toBe(done);
  });
});
