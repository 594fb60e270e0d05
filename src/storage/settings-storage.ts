/**
 * @file zustand persist storage over idb-keyval (store `medcodi-settings`). Falls back to memory when IndexedDB
 * is unavailable (private windows that refuse it), so the studio still runs and simply forgets settings.
 */
import { createStore, del, get, set } from 'idb-keyval';
import type { StateStorage } from 'zustand/middleware';

export function createSettingsStorage(): StateStorage {
  const memory = new Map<string, string>();
  let store: ReturnType<typeof createStore> | null = null;
  try {
    if (typeof indexedDB !== 'undefined') store = createStore('medcodi-settings', 'state');
  } catch {
    store = null;
  }
  return {
    async getItem(name) {
      if (store) {
        try {
          return (await get<string>(name, store)) ?? null;
        } catch {
          store = null;
        }
      }
      return memory.get(name) ?? null;
    },
    async setItem(name, value) {
      memory.set(name, value);
      if (store) await set(name, value, store).catch(() => undefined);
    },
    async removeItem(name) {
      memory.delete(name);
      if (store) await del(name, store).catch(() => undefined);
    },
  };
}
