/** The app's twin store, wired to the engine worker. */
import { getEngine, runJob } from '../../engine-client/engine-client';
import { readyEngine } from '../../queries/engine';
import { createTwinStore } from './twin-store';

export const twinStore = createTwinStore({
  async runJob(request, options) {
    await readyEngine();
    return runJob(request, options);
  },
  async classify(modelId, image) {
    await readyEngine();
    return getEngine().classify(modelId, image);
  },
  newJobId: () => `twin-${crypto.randomUUID()}`,
});
