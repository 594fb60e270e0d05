import { releaseProxy, wrap } from 'comlink';
import { describe, expect, it } from 'vitest';
import { eventPortSender, isMessagePort, receiveJobEvents } from './event-port';
import type { JobEvent } from './job';

const step = (n: number): JobEvent => ({ type: 'denoise', jobId: 'j', step: n, totalSteps: 9 });

/** Resolves after the event loop has run pending message tasks (a port delivers in tasks, not microtasks). */
const tick = (ms = 20) => new Promise((r) => setTimeout(r, ms));

describe('job events over a MessagePort', () => {
  it('delivers events in order, one way: the worker end gets no message back for plain events', async () => {
    const { port1, port2 } = new MessageChannel();
    const seen: JobEvent[] = [];
    const stop = receiveJobEvents(port1, (e) => void seen.push(e));
    const back: unknown[] = [];
    const sender = eventPortSender(port2);
    port2.addEventListener('message', (m) => back.push(m.data));
    for (let n = 1; n <= 5; n++) sender.post(step(n));
    await tick();
    expect(seen).toEqual([1, 2, 3, 4, 5].map(step));
    expect(back).toEqual([]);
    stop();
    sender.close();
  });

  it('postAndWait resolves only once the UI has handled the event, after the events before it', async () => {
    const { port1, port2 } = new MessageChannel();
    const order: string[] = [];
    const stop = receiveJobEvents(port1, (e) => void order.push(`ui ${e.type}`));
    const sender = eventPortSender(port2);
    sender.post(step(1));
    await sender.postAndWait({ type: 'done', jobId: 'j' }, 5000);
    order.push('settled');
    expect(order).toEqual(['ui denoise', 'ui done', 'settled']);
    stop();
    sender.close();
  });

  it('postAndWait gives up after its timeout when nobody answers, and a handler that throws is still answered', async () => {
    const silent = new MessageChannel();
    const sender = eventPortSender(silent.port2);
    const started = performance.now();
    await sender.postAndWait({ type: 'done', jobId: 'j' }, 60);
    expect(performance.now() - started).toBeGreaterThanOrEqual(50);
    sender.close();
    silent.port1.close();

    const { port1, port2 } = new MessageChannel();
    const errors: unknown[] = [];
    const originalError = console.error;
    console.error = (...args: unknown[]) => void errors.push(args);
    try {
      const stop = receiveJobEvents(port1, () => {
        throw new Error('UI bug');
      });
      const answering = eventPortSender(port2);
      await answering.postAndWait({ type: 'error', jobId: 'j', message: 'x' }, 5000);
      expect(errors.length).toBe(1);
      stop();
      answering.close();
    } finally {
      console.error = originalError;
    }
  });

  it('a closed UI end never throws into the job, and close() releases a pending wait at once', async () => {
    const { port1, port2 } = new MessageChannel();
    port1.close();
    const sender = eventPortSender(port2);
    expect(() => sender.post(step(1))).not.toThrow();
    const waiting = sender.postAndWait({ type: 'done', jobId: 'j' }, 60_000);
    sender.close();
    await expect(waiting).resolves.toBeUndefined();
    expect(() => sender.post(step(2))).not.toThrow();
  });

  it('tells ports from callbacks', () => {
    const { port1, port2 } = new MessageChannel();
    expect(isMessagePort(port1)).toBe(true);
    expect(isMessagePort(() => undefined)).toBe(false);
    expect(isMessagePort(undefined)).toBe(false);
    expect(isMessagePort({ postMessage() {} })).toBe(false);
    // A comlink remote callback answers every property read; it must still count as a callback.
    const remote = wrap<(e: JobEvent) => void>(port2);
    expect(isMessagePort(remote)).toBe(false);
    remote[releaseProxy]();
    port1.close();
    port2.close();
  });
});
