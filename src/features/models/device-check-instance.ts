/** The app's "Check on this device" store, wired to the engine worker and the bundled example files. */
import { decodeImportForModel } from '../../domain/io/read-import-file';
import { classifyWhenReady } from '../../queries/engine';
import { fetchBlob } from '../../queries/examples';
import { runJobWithChosenVariant } from '../../state/studio';
import { createDeviceCheckStore } from './device-check-store';

export const deviceCheckStore = createDeviceCheckStore({
  runJob: runJobWithChosenVariant,
  classify: classifyWhenReady,
  loadImage: async (example, modality, size) => decodeImportForModel(await fetchBlob(example[modality]), size, example[modality].split('/').pop()),
  newJobId: () => `check-${crypto.randomUUID()}`,
});
