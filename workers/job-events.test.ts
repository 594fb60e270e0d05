import { describe, expect, it } from 'vitest';
import type { JobEvent } from '../src/contracts/job';
import { receiveJobEvents } from '../src/contracts/event-port';
import { PROGRESS_INTERVAL_MS, safeEmitter } from './job-events';

const step = (n: number): JobEvent => ({ type: 'denoise', jobId: 'j', step: n, totalSteps: 50 });
const label = (e: JobEvent) => (e.type === 'denoise' ? `step ${e.step}` : e.type);

describe('safeEmitter progress coalescing', () => {
  it('sends fast denoise steps at most once per interval, and the last one before the next other event', async () => {
    const seen: JobEvent[] = [];
    let clock = 1000;
    const emit = safeEmitter((e) => void seen.push(e), 2000, () => clock);
    for (let n = 1; n <= 50; n++) {
      emit(step(n));
      clock += 1; // 1 ms a step
    }
    emit({ type: 'decode', jobId: 'j', modality: 'report' });
    await emit.settle({ type: 'done', jobId: 'j' });
    const expectedSteps = [1, 1 + PROGRESS_INTERVAL_MS, 1 + 2 * PROGRESS_INTERVAL_MS].filter((n) => n <= 50);
    expect(seen.map(label)).toEqual([...expectedSteps.map((n) => `step ${n}`), 'step 50', 'decode', 'done']);
  });

  it('sends every step when steps are slower than the interval', () => {
    const seen: JobEvent[] = [];
    let clock = 0;
    const emit = safeEmitter((e) => void seen.push(e), 2000, () => clock);
    for (let n = 1; n <= 5; n++) {
      emit(step(n));
      clock += PROGRESS_INTERVAL_MS;
    }
    expect(seen.map(label)).toEqual(['step 1', 'step 2', 'step 3', 'step 4', 'step 5']);
  });

  it('flushes a held step before a preview and before the terminal event', async () => {
    const seen: JobEvent[] = [];
    const emit = safeEmitter((e) => void seen.push(e), 2000, () => 0);
    emit(step(1));
    emit(step(2));
    emit({ type: 'preview', jobId: 'j', modality: 'frontal', step: 2, image: { width: 1, height: 1, pixels: new Uint8ClampedArray(1) } });
    emit(step(3));
    await emit.settle({ type: 'cancelled', jobId: 'j' });
    expect(seen.map(label)).toEqual(['step 1', 'step 2', 'preview', 'step 3', 'cancelled']);
  });

  it('keeps the job alive when the callback throws', () => {
    const emit = safeEmitter(() => {
      throw new Error('UI gone');
    });
    expect(() => emit(step(1))).not.toThrow();
  });
});

describe('safeEmitter over an event port', () => {
  it('coalesces the same way, sends one way, and settles only after the UI handled the terminal event', async () => {
    const { port1, port2 } = new MessageChannel();
    const seen: string[] = [];
    const stop = receiveJobEvents(port1, (e) => void seen.push(label(e)));
    let clock = 0;
    const emit = safeEmitter(port2, 5000, () => clock);
    for (let n = 1; n <= 10; n++) {
      emit(step(n));
      clock += 1;
    }
    await emit.settle({ type: 'done', jobId: 'j' });
    seen.push('settled');
    expect(seen).toEqual(['step 1', 'step 10', 'done', 'settled']);
    emit.release();
    stop();
  });

  it('release() closes the port: later events are dropped without an error', async () => {
    const { port1, port2 } = new MessageChannel();
    const seen: JobEvent[] = [];
    const stop = receiveJobEvents(port1, (e) => void seen.push(e));
    const emit = safeEmitter(port2, 5000, () => 0);
    emit({ type: 'queued', jobId: 'j' });
    emit.release();
    expect(() => emit({ type: 'decode', jobId: 'j', modality: 'report' })).not.toThrow();
    await emit.settle({ type: 'done', jobId: 'j' });
    await new Promise((r) => setTimeout(r, 20));
    expect(seen.map((e) => e.type)).toEqual(['queued']);
    stop();
  });
});
