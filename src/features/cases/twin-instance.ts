/** The app's twin store, wired to the engine worker. */
import { classifyWhenReady, runJobWhenReady } from '../../queries/engine';
import { createTwinStore } from './twin-store';

export const twinStore = createTwinStore({
  runJob: runJobWhenReady,
  classify: classifyWhenReady,
  newJobId: () => `twin-${crypto.randomUUID()}`,
});
