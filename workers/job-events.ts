/**
 * @file How the engine talks back to the UI thread: progress events through a (comlink-proxied) callback that
 * must never break a job, the terminal event awaited before the result, and the proxy released afterwards.
 */
import { releaseProxy } from 'comlink';
import type { ProgressCallback } from '../src/contracts/engine-api';
import type { JobEvent } from '../src/contracts/job';

export type Emitter = ((event: JobEvent) => void) & {
  /** Emits and waits (bounded) until the UI thread has handled the event and every event before it. */
  settle(event: JobEvent): Promise<void>;
};

/**
 * Denoise-step events are coalesced to at most one per this interval (the latest step wins). Each event is a comlink
 * round trip (a message each way): one per step cost about a third of a nano F→T job's time outside session.run
 * (Chromium profile), and a progress bar cannot show 50 steps in 300 ms anyway. Same rate as the token events.
 */
export const PROGRESS_INTERVAL_MS = 50;

/**
 * Calls a (possibly comlink-proxied) callback without letting its failures reach the job. Events and the job's
 * result travel on different MessagePorts, so the terminal event is awaited (`settle`) before the result is
 * returned: the UI then always sees done/cancelled/error before generate() settles.
 * Denoise events closer than PROGRESS_INTERVAL_MS to the last one sent are held, and a held one is sent before the
 * next event of any other kind, so the UI still sees every kind of event in order and always the last step.
 */
export function safeEmitter(onEvent: ProgressCallback | undefined, settleTimeoutMs = 2000, now: () => number = () => performance.now()): Emitter {
  const call = (event: JobEvent): Promise<unknown> | undefined => {
    if (!onEvent) return undefined;
    try {
      const r: unknown = onEvent(event);
      if (r && typeof (r as Promise<unknown>).then === 'function') return (r as Promise<unknown>).catch(() => undefined);
    } catch {
      /* the UI went away; the job goes on */
    }
    return undefined;
  };
  let held: JobEvent | null = null;
  let lastProgress = -Infinity;
  const send = (event: JobEvent): Promise<unknown> | undefined => {
    if (event.type === 'denoise') {
      const t = now();
      if (t - lastProgress < PROGRESS_INTERVAL_MS) {
        held = event;
        return undefined;
      }
      lastProgress = t;
      held = null;
      return call(event);
    }
    if (held) {
      void call(held);
      held = null;
    }
    return call(event);
  };
  const emit = ((event: JobEvent) => void send(event)) as Emitter;
  emit.settle = async (event) => {
    const pending = send(event);
    if (!pending) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([pending, new Promise((resolve) => (timer = setTimeout(resolve, settleTimeoutMs)))]);
    clearTimeout(timer);
  };
  return emit;
}

/** Releases a comlink remote callback (no-op for plain functions): closes its channel once the job settled. */
export function releaseCallback(onEvent: unknown): void {
  try {
    const release = (onEvent as Record<symbol, unknown> | null)?.[releaseProxy];
    if (typeof release === 'function') (release as () => void)();
  } catch {
    /* already released */
  }
}

export const isAbort = (e: unknown): boolean => (e as { name?: unknown } | null)?.name === 'AbortError';
