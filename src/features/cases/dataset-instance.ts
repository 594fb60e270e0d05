/** The app's dataset store, wired to the engine worker and IndexedDB. */
import { getEngine, runJob } from '../../engine-client/engine-client';
import { readyEngine } from '../../queries/engine';
import { indexedDbDatasetStorage } from './dataset-db';
import { createDatasetStore } from './dataset-store';

export const datasetStore = createDatasetStore({
  async runJob(request, options) {
    await readyEngine();
    return runJob(request, options);
  },
  async classify(modelId, image) {
    await readyEngine();
    return getEngine().classify(modelId, image);
  },
  storage: indexedDbDatasetStorage(),
  newId: () => `dataset-${crypto.randomUUID().slice(0, 8)}`,
});
