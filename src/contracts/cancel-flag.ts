/**
 * @file A job's shared cancel flag: one Int32Array over a SharedArrayBuffer that the UI thread sets and the engine
 * worker reads with Atomics, both sides of the same memory.
 *
 * Why: onnxruntime-web runs WASM graphs on the worker's own thread, so a `cancel(jobId)` message waits until the
 * loop yields to the event loop. With the flag the loop sees a cancel at its next step without yielding, and may
 * yield far less often (only so other API calls get answered). SharedArrayBuffer needs cross-origin isolation, which
 * the studio has (COOP/COEP); without it there is no flag and `cancel(jobId)` does the job alone.
 */

/** Element 0 of the flag: 0 while the job may run, 1 once it is cancelled. */
const CANCELLED = 1;

/** A fresh flag, or undefined where SharedArrayBuffer is unavailable (page not cross-origin isolated). */
export function createCancelFlag(): Int32Array | undefined {
  if (typeof SharedArrayBuffer === 'undefined') return undefined;
  if ('crossOriginIsolated' in globalThis && !globalThis.crossOriginIsolated) return undefined;
  return new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
}

/** Marks the job cancelled; the worker sees it at its next step. */
export function setCancelFlag(flag: Int32Array): void {
  Atomics.store(flag, 0, CANCELLED);
}

export function isCancelFlagSet(flag: Int32Array): boolean {
  return Atomics.load(flag, 0) === CANCELLED;
}

/** True for what `createCancelFlag` makes (after a postMessage, too: shared memory stays shared). */
export function isCancelFlag(value: unknown): value is Int32Array {
  return value instanceof Int32Array && value.length >= 1 && typeof SharedArrayBuffer !== 'undefined' && value.buffer instanceof SharedArrayBuffer;
}
