/**
 * @file IndexedDB storage of the dataset in progress (idb-keyval store `medcodi-datasets`): its meta under
 * `active`, each finished case under `case/<id>/<index>`. Only synthetic outputs are stored here.
 */
import { createStore, del, delMany, get, keys, set, getMany } from 'idb-keyval';
import type { DatasetMeta, DatasetStorage, StoredCase } from './dataset-store';

export function indexedDbDatasetStorage(store = createStore('medcodi-datasets', 'datasets')): DatasetStorage {
  const prefix = (id: string) => `case/${id}/`;
  return {
    loadMeta: async () => (await get<DatasetMeta>('active', store)) ?? undefined,
    saveMeta: (meta) => set('active', meta, store),
    saveCase: (id, stored) => set(`${prefix(id)}${stored.index}`, stored, store),
    async loadCases(id) {
      const caseKeys = (await keys(store)).map(String).filter((k) => k.startsWith(prefix(id)));
      return (await getMany<StoredCase>(caseKeys, store)).filter((c): c is StoredCase => !!c);
    },
    async discard(id) {
      const caseKeys = (await keys(store)).map(String).filter((k) => k.startsWith(prefix(id)));
      await delMany(caseKeys, store);
      const meta = await get<DatasetMeta>('active', store);
      if (meta?.id === id) await del('active', store);
    },
  };
}
