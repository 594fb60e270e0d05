/**
 * @file Storage quota and persistence (`navigator.storage`).
 *
 * `estimate()` and `persisted()` work in workers; `persist()` is exposed to Window only in the spec (Chrome
 * exposes it to workers too), so the UI thread should call `navigator.storage.persist()` itself before a big
 * download; here it is feature-detected.
 */
import type { StorageInfo } from '../../src/contracts/engine-api';

export interface StorageEstimateResult {
  readonly usage: number;
  readonly quota: number;
}

/** Returns usage/quota in bytes, or null where the browser does not tell. Never throws. */
export type StorageEstimator = () => Promise<StorageEstimateResult | null>;

type MaybeStorage = {
  estimate?: () => Promise<{ usage?: number; quota?: number }>;
  persisted?: () => Promise<boolean>;
  persist?: () => Promise<boolean>;
};

function storageManager(): MaybeStorage | undefined {
  return (globalThis.navigator as { storage?: MaybeStorage } | undefined)?.storage;
}

export const estimateStorage: StorageEstimator = async () => {
  const storage = storageManager();
  if (!storage?.estimate) return null;
  try {
    const e = await storage.estimate();
    if (typeof e.usage !== 'number' || typeof e.quota !== 'number') return null;
    return { usage: e.usage, quota: e.quota };
  } catch {
    return null;
  }
};

export async function storageInfo(requestPersist: boolean): Promise<StorageInfo> {
  const storage = storageManager();
  const estimate = await estimateStorage();
  let persisted = false;
  try {
    if (requestPersist && storage?.persist) persisted = await storage.persist();
    else if (storage?.persisted) persisted = await storage.persisted();
  } catch {
    persisted = false;
  }
  return { usage: estimate?.usage ?? null, quota: estimate?.quota ?? null, persisted };
}

export const toMB = (bytes: number): string => `${Math.max(0, Math.ceil(bytes / (1024 * 1024)))} MB`;

/** Thrown when the browser refuses to store more; the message is meant for the user as is. */
export class StorageQuotaError extends Error {
  override readonly name = 'StorageQuotaError';
  constructor(
    readonly neededBytes: number,
    readonly freeBytes: number | null,
  ) {
    super(
      `Not enough storage: needs ${toMB(neededBytes)}, ${freeBytes === null ? 'unknown' : toMB(freeBytes)} free. ` +
        'Nothing already cached was removed.',
    );
  }
}

/** QuotaExceededError as thrown by IndexedDB (DOMException, possibly wrapped in a transaction abort). */
export function isQuotaError(error: unknown): boolean {
  const e = error as { name?: unknown; message?: unknown; cause?: unknown } | null;
  if (!e) return false;
  if (e.name === 'QuotaExceededError') return true;
  if (typeof e.message === 'string' && /quota/i.test(e.message)) return true;
  return e.cause !== undefined && isQuotaError(e.cause);
}
