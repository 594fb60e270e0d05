/** @file Named selectors: components subscribe to exactly what they render. */
import type { StudioState } from './studio-types';

export const selectPrompt = (s: StudioState) => s.prompt;
export const selectReport = (s: StudioState) => s.prompt.report;
export const selectImages = (s: StudioState) => s.prompt.images;
export const selectWeights = (s: StudioState) => s.prompt.weights;
export const selectOutputs = (s: StudioState) => s.prompt.outputs;
export const selectInputErrors = (s: StudioState) => s.inputErrors;
export const selectLoadingInputs = (s: StudioState) => s.loadingInputs;
export const selectExampleCase = (s: StudioState) => s.exampleCase;
export const selectSettings = (s: StudioState) => s.settings;
export const selectModelId = (s: StudioState) => s.modelId;
export const selectBackendPreference = (s: StudioState) => s.backendPreference;
/** The model's variant choice; undefined = Automatic. */
export const selectVariantChoice = (modelId: string) => (s: StudioState) => s.variantChoices[modelId];
export const selectJob = (s: StudioState) => s.job;
export const selectIsRunning = (s: StudioState) => s.job?.status === 'running';
export const selectProblems = (s: StudioState) => s.problems;
export const selectResult = (s: StudioState) => s.result;
export const selectSaveState = (s: StudioState) => s.saveState;
export const selectView = (s: StudioState) => s.view;
export const selectSettingsNotSaved = (s: StudioState) => s.settingsNotSaved;
export const selectVariations = (s: StudioState) => s.variations;
