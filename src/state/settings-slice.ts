/**
 * @file Generation settings as the form holds them, the chosen model, backend and per-model variant. This is the
 * only slice that persists (studio-store.ts: partialize + version), so a reload keeps the user's steps, seed,
 * sampler and variant choices.
 */
import type { StateCreator } from 'zustand';
import type { Backend } from '../contracts/job';
import { DEFAULT_SETTINGS, type SettingsDraft } from '../domain/prompt-draft';
import { pruneVariantChoices, withVariantChoice, type VariantChoices } from '../domain/variant-options';
import type { StudioState } from './studio-types';

/** Which engine backend to ask for: auto lets the engine pick (WASM over a software WebGPU adapter). */
export type BackendPreference = 'auto' | Backend;
export const BACKEND_PREFERENCES: readonly BackendPreference[] = ['auto', 'webgpu', 'wasm'];

export interface SettingsSlice {
  readonly settings: SettingsDraft;
  /** Model id from the manifest; null until the manifest has loaded. */
  readonly modelId: string | null;
  readonly backendPreference: BackendPreference;
  /** The user's variant per model id; a model without an entry uses Automatic (the engine's pick). */
  readonly variantChoices: VariantChoices;
  updateSettings(patch: Partial<SettingsDraft>): void;
  resetSettings(): void;
  selectModel(modelId: string): void;
  setBackendPreference(preference: BackendPreference): void;
  /** Chooses a model's variant; undefined goes back to Automatic. */
  setVariantChoice(modelId: string, variant: string | undefined): void;
  /** Forgets choices the manifest no longer offers (model id → its variant ids), so they fall back to Automatic. */
  keepOfferedVariantChoices(offered: Readonly<Record<string, readonly string[]>>): void;
  /** Keeps the selection when it is still in the manifest, otherwise picks the first model. */
  ensureModel(modelIds: readonly string[]): void;
}

export const createSettingsSlice: StateCreator<StudioState, [], [], SettingsSlice> = (set, get) => ({
  settings: DEFAULT_SETTINGS,
  modelId: null,
  backendPreference: 'auto',
  variantChoices: {},
  updateSettings: (patch) => set((s) => ({ settings: { ...s.settings, ...patch } })),
  resetSettings: () => set({ settings: DEFAULT_SETTINGS }),
  selectModel: (modelId) => set({ modelId }),
  setBackendPreference: (backendPreference) => set({ backendPreference }),
  setVariantChoice: (modelId, variant) => set((s) => ({ variantChoices: withVariantChoice(s.variantChoices, modelId, variant) })),
  keepOfferedVariantChoices: (offered) => {
    const current = get().variantChoices;
    const kept = pruneVariantChoices(current, offered);
    if (kept !== current) set({ variantChoices: kept });
  },
  ensureModel: (modelIds) => {
    const current = get().modelId;
    if (current !== null && modelIds.includes(current)) return;
    set({ modelId: modelIds[0] ?? null });
  },
});
