/**
 * @file The one bound zustand store, combining the slices. Only settings and the model, backend and variant choices
 * persist (an explicit allowlist via partialize), in IndexedDB through idb-keyval; prompts, images, jobs and
 * results do not.
 * `createStudioStore(deps)` builds an unpersisted store for tests.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import { persist, createJSONStorage, type StateStorage } from 'zustand/middleware';
import type { StateCreator } from 'zustand';
import { createJobsSlice } from './jobs-slice';
import { createPromptSlice } from './prompt-slice';
import { createSettingsSlice } from './settings-slice';
import type { StudioDeps, StudioState } from './studio-types';
import { createUiSlice } from './ui-slice';
import { DEFAULT_SETTINGS, type SettingsDraft } from '../domain/prompt-draft';
import { parseVariantChoices, type VariantChoices } from '../domain/variant-options';
import { VARY_BY, type VaryBy } from '../domain/variations';
import { BACKEND_PREFERENCES, type BackendPreference } from './settings-slice';

export const SETTINGS_STORAGE_KEY = 'medcodi-studio-settings';
/** 2: adds `variantChoices` (v1 data migrates with none, i.e. Automatic for every model). */
export const SETTINGS_VERSION = 2;

function studioCreator(deps: StudioDeps): StateCreator<StudioState> {
  return (...a) => ({
    ...createPromptSlice(deps)(...a),
    ...createSettingsSlice(...a),
    ...createJobsSlice(deps)(...a),
    ...createUiSlice(...a),
  });
}

/** What persists: the allowlist. */
export interface PersistedSettings {
  readonly settings: SettingsDraft;
  readonly modelId: string | null;
  readonly backendPreference: BackendPreference;
  readonly variantChoices: VariantChoices;
}

export function partializeSettings(state: StudioState): PersistedSettings {
  return { settings: state.settings, modelId: state.modelId, backendPreference: state.backendPreference, variantChoices: state.variantChoices };
}

/**
 * Accepts whatever an older or damaged version stored and returns valid persisted settings: known keys with the
 * right types are kept, everything else falls back to the defaults. Version 1 had no `variantChoices`; its
 * settings, model and backend carry over unchanged.
 */
export function migrateSettings(persisted: unknown): PersistedSettings {
  const source = typeof persisted === 'object' && persisted !== null ? (persisted as Record<string, unknown>) : {};
  const raw = typeof source['settings'] === 'object' && source['settings'] !== null ? (source['settings'] as Record<string, unknown>) : {};
  const settings: Record<string, unknown> = { ...DEFAULT_SETTINGS };
  for (const [key, fallback] of Object.entries(DEFAULT_SETTINGS)) {
    const value = raw[key];
    if (typeof value === typeof fallback && (typeof value !== 'number' || Number.isFinite(value))) settings[key] = value;
  }
  if (!VARY_BY.includes(settings['varyBy'] as VaryBy)) settings['varyBy'] = DEFAULT_SETTINGS.varyBy;
  const modelId = typeof source['modelId'] === 'string' ? source['modelId'] : null;
  const backend = source['backendPreference'];
  const backendPreference = BACKEND_PREFERENCES.find((b) => b === backend) ?? 'auto';
  const variantChoices = parseVariantChoices(source['variantChoices']);
  return { settings: settings as unknown as SettingsDraft, modelId, backendPreference, variantChoices };
}

/**
 * Hydration (IndexedDB: asynchronous) may finish after the session already set state, e.g. the model the manifest
 * picked. zustand calls merge with `undefined` when nothing is saved (first visit): then the session's state stays.
 * Otherwise the saved settings win, but a saved "no model chosen" never unselects the session's model.
 */
export function mergeSavedSettings(persisted: unknown, current: StudioState): StudioState {
  if (persisted === undefined || persisted === null) return current;
  const saved = migrateSettings(persisted);
  return { ...current, ...saved, modelId: saved.modelId ?? current.modelId };
}

export function createStudioStore(deps: StudioDeps): StoreApi<StudioState> {
  return createStore<StudioState>()(studioCreator(deps));
}

export function createPersistedStudioStore(deps: StudioDeps, storage: StateStorage): StoreApi<StudioState> {
  return createStore<StudioState>()(
    persist(studioCreator(deps), {
      name: SETTINGS_STORAGE_KEY,
      version: SETTINGS_VERSION,
      storage: createJSONStorage(() => storage),
      partialize: partializeSettings,
      migrate: (persisted) => migrateSettings(persisted),
      merge: mergeSavedSettings,
    }),
  );
}
