/** The app's dataset store, wired to the engine worker and IndexedDB. */
import { classifyWhenReady } from '../../queries/engine';
import { runJobWithChosenVariant } from '../../state/studio';
import { indexedDbDatasetStorage } from './dataset-db';
import { createDatasetStore } from './dataset-store';

export const datasetStore = createDatasetStore({
  runJob: runJobWithChosenVariant,
  classify: classifyWhenReady,
  storage: indexedDbDatasetStorage(),
  newId: () => `dataset-${crypto.randomUUID().slice(0, 8)}`,
});
