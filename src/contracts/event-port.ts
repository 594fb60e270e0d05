/**
 * @file A job's progress events over a MessagePort of their own, one way: the worker posts each event and goes on.
 *
 * Why: a comlink-proxied callback is a request and a reply for every event, and each reply is a task for the engine
 * worker's thread, on a 2-core machine where onnxruntime's second WASM thread holds the other core. A nano F→T job
 * sends about 12 events in 250-300 ms; with none at all it spent about 6 ms less outside `session.run` (Chromium,
 * 2 threads, 15 jobs each way). One-way events took back part of that: in 7 alternating pairs of `npm run bench --
 * --only chromium --threads 2 --directions F>T --repeat 7`, the share outside `session.run` was 4.5-5.9 % (median
 * 5.2) against 5.2-6.2 % (median 5.9) with the proxy, lower or equal in every pair. Only the terminal event
 * (done / cancelled / error) asks for an answer, so the UI has always handled it before `generate()` settles (the
 * result travels on comlink's own port, with no ordering guarantee against this one).
 *
 * Both threads import this file: the UI calls `receiveJobEvents` on one end of a MessageChannel and transfers the
 * other end to `EngineApi.generate`; the worker wraps that end with `eventPortSender`.
 */
import type { JobEvent } from './job';

/** Worker → UI: one event; with `ack`, the UI answers `{ kind: 'ack', ack }` once it has handled it. */
export interface EventPortEvent {
  readonly kind: 'event';
  readonly event: JobEvent;
  readonly ack?: number;
}

/** UI → worker: the event numbered `ack` (and every event before it) was handled. */
export interface EventPortAck {
  readonly kind: 'ack';
  readonly ack: number;
}

export type EventPortMessage = EventPortEvent | EventPortAck;

/** A MessagePort (from another realm too: the worker's ports come from structured clone). */
export function isMessagePort(value: unknown): value is MessagePort {
  if (typeof MessagePort !== 'undefined' && value instanceof MessagePort) return true;
  const port = value as Partial<MessagePort> | null;
  return typeof port === 'object' && port !== null && typeof port.postMessage === 'function' && typeof port.close === 'function' && 'onmessage' in port;
}

/**
 * UI side: calls `onEvent` for every event arriving on `port`, in order, and answers the ones that ask. A throwing
 * handler is reported to the console and still answered, so a UI bug never stalls a job. Returns a function that
 * stops listening and closes the port.
 */
export function receiveJobEvents(port: MessagePort, onEvent: (event: JobEvent) => void): () => void {
  port.onmessage = (message: MessageEvent<EventPortMessage>) => {
    const data = message.data;
    if (!data || data.kind !== 'event') return;
    try {
      onEvent(data.event);
    } catch (e) {
      console.error('A job event handler failed', e);
    }
    if (data.ack !== undefined) port.postMessage({ kind: 'ack', ack: data.ack } satisfies EventPortAck);
  };
  return () => {
    port.onmessage = null;
    port.close();
  };
}

export interface EventPortSender {
  /** Posts the event and returns at once. */
  post(event: JobEvent): void;
  /** Posts the event and resolves once the UI has handled it, or after `timeoutMs` (a UI that went away). */
  postAndWait(event: JobEvent, timeoutMs: number): Promise<void>;
  /** Stops waiting for answers and closes the port; later events are dropped and later waits end at once. */
  close(): void;
}

/** Worker side of `receiveJobEvents`. A closed or broken port never throws into the job: the events are dropped. */
export function eventPortSender(port: MessagePort): EventPortSender {
  let next = 0;
  let closed = false;
  const waiting = new Map<number, () => void>();
  port.onmessage = (message: MessageEvent<EventPortMessage>) => {
    const data = message.data;
    if (data?.kind !== 'ack') return;
    for (const [id, resolve] of waiting) {
      if (id <= data.ack) {
        waiting.delete(id);
        resolve();
      }
    }
  };
  const send = (message: EventPortEvent): boolean => {
    if (closed) return false;
    try {
      port.postMessage(message);
      return true;
    } catch {
      return false; // the UI closed its end, or the event would not clone: the job goes on
    }
  };
  return {
    post(event) {
      send({ kind: 'event', event });
    },
    postAndWait(event, timeoutMs) {
      const id = ++next;
      return new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          waiting.delete(id);
          resolve();
        }, timeoutMs);
        waiting.set(id, () => {
          clearTimeout(timer);
          resolve();
        });
        if (!send({ kind: 'event', event, ack: id })) waiting.get(id)?.();
      });
    },
    close() {
      closed = true;
      for (const resolve of waiting.values()) resolve();
      waiting.clear();
      port.onmessage = null;
      port.close();
    },
  };
}
