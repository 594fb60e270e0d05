/** The app's twin store, wired to the engine worker. */
import { classifyWhenReady } from '../../queries/engine';
import { runJobWithChosenVariant } from '../../state/studio';
import { createTwinStore } from './twin-store';

export const twinStore = createTwinStore({
  runJob: runJobWithChosenVariant,
  classify: classifyWhenReady,
  newJobId: () => `twin-${crypto.randomUUID()}`,
});
