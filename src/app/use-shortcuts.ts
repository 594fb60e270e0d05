/** Global keys: Ctrl/Cmd+Enter generates (in the Studio), Escape cancels a running job. */
import { useEffect } from 'react';
import { studioStore } from '../state/studio';

export function useGlobalShortcuts(): void {
  useEffect(() => {
    const onKeyDown = (e: KeyboardEvent) => {
      const state = studioStore.getState();
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && state.view === 'studio') {
        e.preventDefault();
        void state.generate();
      } else if (e.key === 'Escape' && state.job?.status === 'running') {
        e.preventDefault();
        state.cancel();
      }
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);
}
