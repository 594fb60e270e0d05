/**
 * @file How a job learns it was cancelled, for every check the worker makes (graph loops, downloads, the queue):
 * its AbortSignal, which `cancel(jobId)` aborts, or the caller's shared cancel flag (src/contracts/cancel-flag.ts),
 * which the UI thread sets in memory the worker reads without waiting for its event loop.
 */
import { isCancelFlagSet } from '../src/contracts/cancel-flag';

export function abortError(): Error {
  return new DOMException('The job was cancelled', 'AbortError');
}

/** Shared cancel flags by the signal of the job they cancel. */
const cancelFlags = new WeakMap<AbortSignal, Int32Array>();

/** From now on every check of the job with this signal also reads the caller's shared cancel flag. */
export function attachCancelFlag(signal: AbortSignal, flag: Int32Array): void {
  cancelFlags.set(signal, flag);
}

/** Whether a cancel of this job reaches it without a yield (see checkpoint's yield interval). */
export function hasCancelFlag(signal: AbortSignal): boolean {
  return cancelFlags.has(signal);
}

/** Throws an AbortError if the job was cancelled: by its signal or by its shared flag. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (!signal) return;
  const flag = cancelFlags.get(signal);
  if (signal.aborted || (flag !== undefined && isCancelFlagSet(flag))) throw abortError();
}
