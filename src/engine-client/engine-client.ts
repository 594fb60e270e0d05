/**
 * @file Main-thread side of the engine boundary: one lazily created module Worker wrapped with comlink, and
 * `runJob()` which adds AbortSignal cancellation and progress callbacks on top of `EngineApi.generate`.
 *
 * Notes:
 * - Cancellation is cooperative: aborting the signal sets the job's shared cancel flag (cross-origin isolated
 *   pages) and calls `cancel(jobId)` in the worker; the worker is never terminated (its ONNX sessions are
 *   expensive to rebuild) and the next job runs normally.
 * - Progress events come on a MessagePort of their own, one way (`contracts/event-port.ts`): a comlink proxy
 *   would be a reply per event, and each reply took the worker's thread from the job. The worker closes its end
 *   when the job settles; here the port is closed in `finally` too, so no late event can reach the UI after
 *   runJob settled.
 * - `navigator.storage.persist()` is Window-only in the spec, so `requestPersistentStorage()` asks on this thread.
 */
import { transfer, wrap } from 'comlink';
import type { Remote } from 'comlink';
import type { EngineApi, StorageInfo } from '../contracts/engine-api';
import type { GenerationRequest, JobEvent, JobResult } from '../contracts/job';
import { createCancelFlag, setCancelFlag } from '../contracts/cancel-flag';
import { receiveJobEvents } from '../contracts/event-port';

let worker: Worker | null = null;
let engine: Remote<EngineApi> | null = null;
let workerError: Promise<never> | null = null;

/** The engine worker's API (the worker starts on the first call). */
export function getEngine(): Remote<EngineApi> {
  if (!engine) {
    const w = new Worker(new URL('../../workers/engine.worker.ts', import.meta.url), { type: 'module', name: 'medcodi-engine' });
    workerError = new Promise<never>((_, reject) => {
      w.addEventListener('error', (event) => {
        const message = event.message || 'the engine worker failed to start';
        reject(new Error(`The engine worker failed: ${message}`));
        // Start a fresh worker on the next call.
        if (worker === w) {
          worker = null;
          engine = null;
          w.terminate();
        }
      });
    });
    workerError.catch(() => undefined);
    worker = w;
    engine = wrap<EngineApi>(w);
  }
  return engine;
}

/** Rejects when the worker dies, so callers never wait forever on a dead worker. */
function orWorkerFailure<T>(promise: Promise<T>): Promise<T> {
  return workerError ? Promise.race([promise, workerError]) : promise;
}

export interface RunJobOptions {
  readonly signal?: AbortSignal;
  readonly onEvent?: (event: JobEvent) => void;
}

/**
 * Runs one generation job in the worker. Resolves with the JobResult; rejects with an AbortError when the signal
 * aborts (before or during the job) and with the engine's message otherwise.
 */
export async function runJob(request: GenerationRequest, options: RunJobOptions = {}): Promise<JobResult> {
  const { signal, onEvent } = options;
  if (signal?.aborted) throw new DOMException('The job was cancelled', 'AbortError');
  const api = getEngine();
  let open = true;
  // The worker reads the shared flag every step; the cancel message also covers a job still downloading or queued.
  const cancelFlag = signal ? createCancelFlag() : undefined;
  const onAbort = () => {
    if (cancelFlag) setCancelFlag(cancelFlag);
    void api.cancel(request.jobId).catch(() => undefined);
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    // `open`: a dead worker rejects here while its generate() never settles, so its port is not closed yet.
    const events = (event: JobEvent) => {
      if (open) onEvent?.(event);
    };
    return await orWorkerFailure(generateWithEvents(api, request, events, cancelFlag));
  } finally {
    open = false;
    signal?.removeEventListener('abort', onAbort);
  }
}

/**
 * `EngineApi.generate` with the job's events on a MessagePort of their own (one way, `contracts/event-port.ts`),
 * closed when the call settles. The studio's runJob and the e2e/bench hooks both run jobs this way.
 */
export async function generateWithEvents(
  api: Remote<EngineApi>,
  request: GenerationRequest,
  onEvent: (event: JobEvent) => void,
  cancelFlag: Int32Array | undefined,
): Promise<JobResult> {
  const channel = new MessageChannel();
  const stopEvents = receiveJobEvents(channel.port1, onEvent);
  try {
    return await api.generate(request, transfer(channel.port2, [channel.port2]), cancelFlag);
  } finally {
    stopEvents();
  }
}

/** Asks the browser (on this thread, where persist() lives) to keep our storage, then reports usage. */
export async function requestPersistentStorage(): Promise<StorageInfo> {
  try {
    await navigator.storage?.persist?.();
  } catch {
    /* not granted or unsupported: storageInfo reports the outcome */
  }
  return getEngine().storageInfo(false);
}
