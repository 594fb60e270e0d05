/**
 * @file Which reader-study screen is open (UI state only). The reading screen is also kept in sessionStorage, so a
 * reload (or a crash of the tab's page) reopens the same reader at the case after their last saved answer.
 */
import { create } from 'zustand';

export type VttScreen =
  | { readonly kind: 'list' }
  | { readonly kind: 'build' }
  | { readonly kind: 'read'; readonly studyId: string; readonly readerId: string }
  | { readonly kind: 'analyse'; readonly studyId: string };

const READING_KEY = 'medcodi-vtt-reading';

function restoreReading(): VttScreen {
  try {
    const raw = sessionStorage.getItem(READING_KEY);
    if (!raw) return { kind: 'list' };
    const parsed = JSON.parse(raw) as { studyId?: unknown; readerId?: unknown };
    if (typeof parsed.studyId === 'string' && typeof parsed.readerId === 'string') return { kind: 'read', studyId: parsed.studyId, readerId: parsed.readerId };
  } catch {
    /* storage blocked or damaged: start at the list */
  }
  return { kind: 'list' };
}

function rememberReading(screen: VttScreen): void {
  try {
    if (screen.kind === 'read') sessionStorage.setItem(READING_KEY, JSON.stringify({ studyId: screen.studyId, readerId: screen.readerId }));
    else sessionStorage.removeItem(READING_KEY);
  } catch {
    /* without sessionStorage a reload returns to the list; answers are still saved */
  }
}

interface VttNavState {
  readonly screen: VttScreen;
  /** A sentence for the list screen after an action (study created, file imported); null when none. */
  readonly notice: string | null;
  go(screen: VttScreen, notice?: string | null): void;
}

export const useVttNav = create<VttNavState>()((set) => ({
  screen: typeof sessionStorage === 'undefined' ? { kind: 'list' } : restoreReading(),
  notice: null,
  go: (screen, notice = null) => {
    rememberReading(screen);
    set({ screen, notice });
  },
}));
