import { describe, expect, it } from 'vitest';
import { RunQueue } from './run-queue';

const tick = () => new Promise((r) => setTimeout(r, 1));

function deferred<T = void>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('RunQueue', () => {
  it('runs one job at a time, in order', async () => {
    const queue = new RunQueue();
    const log: string[] = [];
    let active = 0;
    const job = (name: string, ms: number) =>
      queue.enqueue(name, async () => {
        active += 1;
        expect(active).toBe(1);
        log.push(`start ${name}`);
        await new Promise((r) => setTimeout(r, ms));
        log.push(`end ${name}`);
        active -= 1;
        return name;
      });
    const results = await Promise.all([job('a', 15), job('b', 1), job('c', 5)]);
    expect(results).toEqual(['a', 'b', 'c']);
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  });

  it('cancels the running job through its signal and then runs the next one', async () => {
    const queue = new RunQueue();
    const started = deferred();
    const first = queue.enqueue('first', async (signal) => {
      started.resolve();
      while (!signal.aborted) await tick();
      throw signal.reason;
    });
    const second = queue.enqueue('second', async (signal) => (signal.aborted ? 'aborted' : 'ran'));
    await started.promise;
    expect(queue.ids).toEqual(['first', 'second']);
    expect(queue.cancel('first')).toBe(true);
    await expect(first).rejects.toMatchObject({ name: 'AbortError' });
    await expect(second).resolves.toBe('ran');
    expect(queue.ids).toEqual([]);
  });

  it('removes a queued job on cancel without ever starting it', async () => {
    const queue = new RunQueue();
    const gate = deferred();
    let ranQueued = false;
    const first = queue.enqueue('first', () => gate.promise.then(() => 1));
    const queued = queue.enqueue('queued', async () => {
      ranQueued = true;
      return 2;
    });
    const third = queue.enqueue('third', async () => 3);
    queue.cancel('queued');
    await expect(queued).rejects.toMatchObject({ name: 'AbortError' });
    expect(queue.ids).toEqual(['first', 'third']);
    gate.resolve();
    expect(await first).toBe(1);
    expect(await third).toBe(3);
    expect(ranQueued).toBe(false);
  });

  it('keeps going after a failing job and rejects duplicate ids', async () => {
    const queue = new RunQueue();
    const gate = deferred();
    const failing = queue.enqueue('x', async () => {
      await gate.promise;
      throw new Error('boom');
    });
    await expect(queue.enqueue('x', async () => 0)).rejects.toThrow(/already queued or running/);
    const after = queue.enqueue('y', async () => 'ok');
    gate.resolve();
    await expect(failing).rejects.toThrow('boom');
    await expect(after).resolves.toBe('ok');
    expect(queue.cancel('nope')).toBe(false);
  });

  it('survives a task that throws synchronously', async () => {
    const queue = new RunQueue();
    const bad = queue.enqueue('bad', () => {
      throw new Error('sync');
    });
    await expect(bad).rejects.toThrow('sync');
    await expect(queue.enqueue('good', async () => 1)).resolves.toBe(1);
  });
});
