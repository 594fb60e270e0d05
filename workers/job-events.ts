/**
 * @file How the engine talks back to the UI thread: progress events through an event port or a (comlink-proxied)
 * callback that must never break a job, the terminal event awaited before the result, and the sink released
 * afterwards.
 */
import { releaseProxy } from 'comlink';
import type { ProgressSink } from '../src/contracts/engine-api';
import { eventPortSender, isMessagePort } from '../src/contracts/event-port';
import type { JobEvent } from '../src/contracts/job';

export type Emitter = ((event: JobEvent) => void) & {
  /** Emits and waits (bounded) until the UI thread has handled the event and every event before it. */
  settle(event: JobEvent): Promise<void>;
  /**
   * Lets go of the sink once the job settled: closes an event port (later events are dropped, a pending wait ends),
   * or releases a comlink remote callback (which closes its channel); nothing for a plain function.
   */
  release(): void;
};

/**
 * Denoise-step events are coalesced to at most one per this interval (the latest step wins). When events were comlink
 * round trips (a message each way), one per step cost about a third of a nano F→T job's time outside session.run
 * (Chromium profile); one-way port messages cost less, but a progress bar cannot show 50 steps in 300 ms anyway.
 * Same rate as the token events.
 */
export const PROGRESS_INTERVAL_MS = 50;

/**
 * Sends a job's events to its sink without letting the sink's failures reach the job. Events and the job's result
 * travel on different MessagePorts, so the terminal event is awaited (`settle`, bounded by `settleTimeoutMs`) before
 * the result is returned: the UI then always sees done/cancelled/error before generate() settles.
 * - A callback (comlink proxy, or a plain function in Node) is called per event; a proxy answers every call.
 * - An event port (`src/contracts/event-port.ts`) gets one message per event, one way; only `settle` waits for an
 *   answer. `release()` closes it once the job has settled.
 * Denoise events closer than PROGRESS_INTERVAL_MS to the last one sent are held, and a held one is sent before the
 * next event of any other kind, so the UI still sees every kind of event in order and always the last step.
 */
export function safeEmitter(sink: ProgressSink | undefined, settleTimeoutMs = 2000, now: () => number = () => performance.now()): Emitter {
  let deliver: (event: JobEvent) => Promise<unknown> | undefined;
  let deliverAndWait: (event: JobEvent) => Promise<unknown> | undefined;
  let release: () => void;
  if (isMessagePort(sink)) {
    const sender = eventPortSender(sink);
    deliver = (event) => void sender.post(event);
    deliverAndWait = (event) => sender.postAndWait(event, settleTimeoutMs);
    release = () => sender.close();
  } else {
    deliver = (event) => {
      if (!sink) return undefined;
      try {
        const r: unknown = sink(event);
        if (r && typeof (r as Promise<unknown>).then === 'function') return (r as Promise<unknown>).catch(() => undefined);
      } catch {
        /* the UI went away; the job goes on */
      }
      return undefined;
    };
    deliverAndWait = (event) => {
      const pending = deliver(event);
      if (!pending) return undefined;
      let timer: ReturnType<typeof setTimeout> | undefined;
      return Promise.race([pending, new Promise((resolve) => (timer = setTimeout(resolve, settleTimeoutMs)))]).finally(() => clearTimeout(timer));
    };
    release = () => releaseProxyOf(sink);
  }

  let held: JobEvent | null = null;
  let lastProgress = -Infinity;
  const flushHeld = () => {
    if (held) void deliver(held);
    held = null;
  };
  const emit = ((event: JobEvent) => {
    if (event.type === 'denoise') {
      const t = now();
      if (t - lastProgress < PROGRESS_INTERVAL_MS) {
        held = event;
        return;
      }
      lastProgress = t;
      held = null;
    } else {
      flushHeld();
    }
    void deliver(event);
  }) as Emitter;
  emit.settle = async (event) => {
    flushHeld();
    await deliverAndWait(event);
  };
  emit.release = release;
  return emit;
}

/** Releases a comlink remote callback (no-op for plain functions and for none). */
function releaseProxyOf(callback: unknown): void {
  try {
    const releaseRemote = (callback as Record<symbol, unknown> | null | undefined)?.[releaseProxy];
    if (typeof releaseRemote === 'function') (releaseRemote as () => void)();
  } catch {
    /* already released */
  }
}

export const isAbort = (e: unknown): boolean => (e as { name?: unknown } | null)?.name === 'AbortError';
