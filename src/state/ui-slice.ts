/** @file Which view the shell shows. Kept in the store so actions (reopen from History) can switch views. */
import type { StateCreator } from 'zustand';
import type { StudioState } from './studio-types';

export const VIEWS = ['studio', 'models', 'history', 'reader-study', 'cases'] as const;
export type View = (typeof VIEWS)[number];

export interface UiSlice {
  readonly view: View;
  /** Why settings are not being saved (full or refused storage); null while they are. */
  readonly settingsNotSaved: string | null;
  setView(view: View): void;
  setSettingsNotSaved(message: string | null): void;
}

export const createUiSlice: StateCreator<StudioState, [], [], UiSlice> = (set) => ({
  view: 'studio',
  settingsNotSaved: null,
  setView: (view) => set({ view }),
  setSettingsNotSaved: (settingsNotSaved) => set({ settingsNotSaved }),
});
