/**
 * @file Generation settings as the form holds them, and the chosen model. This is the only slice that persists
 * (studio-store.ts: partialize + version), so a reload keeps the user's steps, seed and sampler.
 */
import type { StateCreator } from 'zustand';
import { DEFAULT_SETTINGS, type SettingsDraft } from '../domain/prompt-draft';
import type { StudioState } from './studio-types';

export interface SettingsSlice {
  readonly settings: SettingsDraft;
  /** Model id from the manifest; null until the manifest has loaded. */
  readonly modelId: string | null;
  updateSettings(patch: Partial<SettingsDraft>): void;
  resetSettings(): void;
  selectModel(modelId: string): void;
  /** Keeps the selection when it is still in the manifest, otherwise picks the first model. */
  ensureModel(modelIds: readonly string[]): void;
}

export const createSettingsSlice: StateCreator<StudioState, [], [], SettingsSlice> = (set, get) => ({
  settings: DEFAULT_SETTINGS,
  modelId: null,
  updateSettings: (patch) => set((s) => ({ settings: { ...s.settings, ...patch } })),
  resetSettings: () => set({ settings: DEFAULT_SETTINGS }),
  selectModel: (modelId) => set({ modelId }),
  ensureModel: (modelIds) => {
    const current = get().modelId;
    if (current !== null && modelIds.includes(current)) return;
    set({ modelId: modelIds[0] ?? null });
  },
});
