/** @file Which view the shell shows. Kept in the store so actions (reopen from History) can switch views. */
import type { StateCreator } from 'zustand';
import type { StudioState } from './studio-types';

export const VIEWS = ['studio', 'models', 'history', 'reader-study', 'cases'] as const;
export type View = (typeof VIEWS)[number];

export interface UiSlice {
  readonly view: View;
  setView(view: View): void;
}

export const createUiSlice: StateCreator<StudioState, [], [], UiSlice> = (set) => ({
  view: 'studio',
  setView: (view) => set({ view }),
});
