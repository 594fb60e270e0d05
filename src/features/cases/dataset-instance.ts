/** The app's dataset store, wired to the engine worker and IndexedDB. */
import { classifyWhenReady, runJobWhenReady } from '../../queries/engine';
import { indexedDbDatasetStorage } from './dataset-db';
import { createDatasetStore } from './dataset-store';

export const datasetStore = createDatasetStore({
  runJob: runJobWhenReady,
  classify: classifyWhenReady,
  storage: indexedDbDatasetStorage(),
  newId: () => `dataset-${crypto.randomUUID().slice(0, 8)}`,
});
