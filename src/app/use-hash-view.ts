/** Keeps the current view and the URL hash (#/models …) in sync, so views are linkable and Back works. */
import { useEffect } from 'react';
import { VIEWS, type View } from '../state/ui-slice';
import { studioStore } from '../state/studio';

function viewFromHash(hash: string): View | null {
  const name = hash.replace(/^#\/?/, '');
  return (VIEWS as readonly string[]).includes(name) ? (name as View) : null;
}

export function useHashView(): void {
  useEffect(() => {
    const apply = () => {
      const view = viewFromHash(window.location.hash);
      if (view) studioStore.getState().setView(view);
    };
    apply();
    window.addEventListener('hashchange', apply);
    const unsubscribe = studioStore.subscribe((state, previous) => {
      if (state.view !== previous.view && viewFromHash(window.location.hash) !== state.view) {
        window.location.hash = `/${state.view}`;
      }
    });
    return () => {
      window.removeEventListener('hashchange', apply);
      unsubscribe();
    };
  }, []);
}
