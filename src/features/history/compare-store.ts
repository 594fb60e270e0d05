/**
 * @file History → Compare: which saved results are picked for comparison, whether the comparison is open, and
 * whether its image viewers move together. Selection only, never the records themselves (those stay in IndexedDB
 * behind the results query), so a deleted result simply drops out (`prune`).
 */
import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';
import { MAX_COMPARED, pruneCompared, toggleCompared } from '../../domain/result-compare';

export interface CompareState {
  /** Record ids in the order they were picked (the columns' order). */
  readonly selected: readonly string[];
  /** The last pick was refused: MAX_COMPARED were already picked. */
  readonly refused: boolean;
  /** The comparison is on screen (needs two or more picked). */
  readonly open: boolean;
  /** Window/level, zoom and pan move together in every viewer of the comparison. */
  readonly linked: boolean;
  toggle(id: string): void;
  /** Picks exactly these (at most MAX_COMPARED, in order) and opens the comparison when there are two or more. */
  select(ids: readonly string[]): void;
  clear(): void;
  openCompare(): void;
  closeCompare(): void;
  setLinked(linked: boolean): void;
  /** Keeps only ids still in History; closes the comparison when fewer than two are left. */
  prune(existing: Iterable<string>): void;
}

export function createCompareStore() {
  return createStore<CompareState>()((set, get) => ({
    selected: [],
    refused: false,
    open: false,
    linked: true,
    toggle: (id) => {
      const next = toggleCompared(get().selected, id);
      set({ selected: next.selected, refused: next.refused, open: get().open && next.selected.length >= 2 });
    },
    select: (ids) => {
      const selected = [...new Set(ids)].slice(0, MAX_COMPARED);
      set({ selected, refused: false, open: selected.length >= 2 });
    },
    clear: () => set({ selected: [], refused: false, open: false }),
    openCompare: () => {
      if (get().selected.length >= 2) set({ open: true, refused: false });
    },
    closeCompare: () => set({ open: false }),
    setLinked: (linked) => set({ linked }),
    prune: (existing) => {
      const { selected, open } = get();
      const kept = pruneCompared(selected, existing);
      if (kept === selected) return;
      set({ selected: kept, refused: false, open: open && kept.length >= 2 });
    },
  }));
}

/** The app's one comparison (it outlives a visit to another screen, like the rest of the studio's state). */
export const compareStore = createCompareStore();

export function useCompare<T>(selector: (state: CompareState) => T): T {
  return useStore(compareStore, selector);
}

export { MAX_COMPARED };
