/**
 * @file The app's store instance with its real side effects wired in, and the hook components use. Components
 * subscribe through named selectors (selectors.ts), never to the whole state.
 */
import { useStore } from 'zustand';
import { queryClient } from '../app/query-client';
import type { GenerationRequest, JobResult } from '../contracts/job';
import type { RunJobOptions } from '../engine-client/engine-client';
import { decodeImportForModel } from '../domain/io/read-import-file';
import { withChosenVariant } from '../domain/variant-options';
import { runJobWhenReady, setEnginePreference } from '../queries/engine';
import { fetchBlob } from '../queries/examples';
import { queryKeys } from '../queries/keys';
import { createSettingsStorage } from '../storage/settings-storage';
import { resultsDb } from '../storage/results-db';
import { createPersistedStudioStore } from './studio-store';
import type { StudioState } from './studio-types';

export const studioStore = createPersistedStudioStore(
  {
    runJob: runJobWhenReady,
    saveResult: (record) => resultsDb().save(record),
    onResultSaved: () => void queryClient.invalidateQueries({ queryKey: queryKeys.results() }),
    // PNG (8/16-bit), JPEG, TIFF and DICOM, windowed as the file says (issue 5).
    decodeImage: (file, size, name) => decodeImportForModel(file, size, name),
    fetchBlob,
    newJobId: () => crypto.randomUUID(),
  },
  // Looked up when a write fails, after the store exists.
  createSettingsStorage({ onWriteFailure: (message) => studioStore.getState().setSettingsNotSaved(message) }),
);

// The engine follows the backend preference (also once the persisted value has been restored).
setEnginePreference(studioStore.getState().backendPreference);
studioStore.subscribe((state, previous) => {
  if (state.backendPreference !== previous.backendPreference) setEnginePreference(state.backendPreference);
});

/** runJobWhenReady with the variant the user chose for the request's model (Cases twin and dataset jobs). */
export function runJobWithChosenVariant(request: GenerationRequest, options?: RunJobOptions): Promise<JobResult> {
  return runJobWhenReady(withChosenVariant(request, studioStore.getState().variantChoices), options);
}

export function useStudio<T>(selector: (state: StudioState) => T): T {
  return useStore(studioStore, selector);
}
