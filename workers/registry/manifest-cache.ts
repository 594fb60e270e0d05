/**
 * @file The last manifest that loaded and validated, per URL (idb-keyval store `medcodi-engine-meta`/`manifests`),
 * so a studio whose model files are cached keeps working when the network is gone.
 */
import type { UseStore } from 'idb-keyval';
import { createStore, get, set } from 'idb-keyval';

export interface ManifestCache {
  get(url: string): Promise<string | undefined>;
  set(url: string, text: string): Promise<void>;
}

export function createManifestCache(store: UseStore = createStore('medcodi-engine-meta', 'manifests')): ManifestCache {
  return {
    async get(url) {
      try {
        const value: unknown = await get(url, store);
        return typeof value === 'string' ? value : undefined;
      } catch {
        return undefined;
      }
    },
    async set(url, text) {
      try {
        await set(url, text, store);
      } catch {
        /* best effort: a full disk must not break init */
      }
    },
  };
}
