/**
 * @file zustand persist storage over idb-keyval (store `medcodi-settings`). Falls back to memory when IndexedDB
 * is unavailable (private windows that refuse it), so the studio still runs. A write that fails (full storage,
 * storage turned off) is reported through `onWriteFailure`, so the Settings panel can say that the settings will
 * be forgotten, and cleared again by the next write that works.
 */
import { createStore, del, get, set } from 'idb-keyval';
import type { StateStorage } from 'zustand/middleware';
import { isQuotaError } from './results-db';

/** The three IndexedDB calls the storage makes (replaced in tests). */
export interface SettingsBackend {
  get(name: string): Promise<string | undefined>;
  set(name: string, value: string): Promise<void>;
  del(name: string): Promise<void>;
}

export interface SettingsStorageOptions {
  /** A sentence when settings stop being saved; null once a write works again. */
  readonly onWriteFailure?: (message: string | null) => void;
  /** Default: idb-keyval over `medcodi-settings`, or none where IndexedDB is missing. */
  readonly backend?: SettingsBackend | null;
}

function idbBackend(): SettingsBackend | null {
  try {
    if (typeof indexedDB === 'undefined') return null;
    const store = createStore('medcodi-settings', 'state');
    return { get: (n) => get<string>(n, store), set: (n, v) => set(n, v, store), del: (n) => del(n, store) };
  } catch {
    return null;
  }
}

export function settingsWriteFailureMessage(error: unknown): string {
  if (isQuotaError(error)) return "Settings are not being saved: the browser's storage for this site is full. They apply until this tab is closed.";
  const detail = error instanceof Error && error.message.trim() !== '' ? ` (${error.message})` : '';
  return `Settings are not being saved: the browser refused to store them${detail}. They apply until this tab is closed.`;
}

export function createSettingsStorage(options: SettingsStorageOptions = {}): StateStorage {
  const memory = new Map<string, string>();
  let backend = options.backend === undefined ? idbBackend() : options.backend;
  let failing = false;
  const report = (error: unknown | null) => {
    if (error === null) {
      if (failing) options.onWriteFailure?.(null);
      failing = false;
      return;
    }
    failing = true;
    options.onWriteFailure?.(settingsWriteFailureMessage(error));
  };
  return {
    async getItem(name) {
      if (backend) {
        try {
          return (await backend.get(name)) ?? null;
        } catch {
          backend = null;
        }
      }
      return memory.get(name) ?? null;
    },
    async setItem(name, value) {
      memory.set(name, value);
      if (!backend) return;
      try {
        await backend.set(name, value);
        report(null);
      } catch (error) {
        report(error);
      }
    },
    async removeItem(name) {
      memory.delete(name);
      if (backend) await backend.del(name).catch(() => undefined);
    },
  };
}
