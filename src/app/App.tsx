/** The shell: header with navigation, the current view, and the synthetic-data notice. */
import { CasesView } from '../features/cases/CasesView';
import { HistoryView } from '../features/history/HistoryView';
import { ModelsView } from '../features/models/ModelsView';
import { StudioView } from '../features/studio/StudioView';
import { VttPage } from '../features/vtt/VttPage';
import { selectView } from '../state/selectors';
import { studioStore, useStudio } from '../state/studio';
import type { View } from '../state/ui-slice';
import { SectionBoundary } from '../ui/SectionBoundary';
import { useHashView } from './use-hash-view';
import { useGlobalShortcuts } from './use-shortcuts';

const NAV: readonly { view: View; label: string; soon?: boolean }[] = [
  { view: 'studio', label: 'Studio' },
  { view: 'models', label: 'Models' },
  { view: 'history', label: 'History' },
  { view: 'reader-study', label: 'Reader study' },
  { view: 'cases', label: 'Cases' },
];

export function App() {
  const view = useStudio(selectView);
  useHashView();
  useGlobalShortcuts();
  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="app-header">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true" />
          <div>
            <h1>MedCoDi Studio</h1>
            <p className="tagline">Synthetic chest X-rays and reports, generated in your browser</p>
          </div>
        </div>
        <nav aria-label="Main">
          <ul>
            {NAV.map((item) => (
              <li key={item.view}>
                <button
                  type="button"
                  className="nav-item"
                  aria-current={view === item.view ? 'page' : undefined}
                  onClick={() => studioStore.getState().setView(item.view)}
                  data-testid={`nav-${item.view}`}
                >
                  {item.label}
                  {item.soon ? <span className="soon">soon</span> : null}
                </button>
              </li>
            ))}
          </ul>
        </nav>
      </header>
      <main id="main" tabIndex={-1}>
        <SectionBoundary
          name={`${view} screen`}
          resetKey={view}
          fallback={(error, reset) => (
            <section className="panel" role="alert" data-testid="screen-failed">
              <h2>This screen failed</h2>
              <p>{error.message}</p>
              <p className="muted">The other screens still work, and your saved results and downloaded models are kept.</p>
              <button type="button" onClick={reset}>
                Try again
              </button>
            </section>
          )}
        >
          {view === 'studio' ? <StudioView /> : null}
          {view === 'models' ? <ModelsView /> : null}
          {view === 'history' ? <HistoryView /> : null}
          {view === 'reader-study' ? <VttPage /> : null}
          {view === 'cases' ? <CasesView /> : null}
        </SectionBoundary>
      </main>
      <footer className="app-footer">
        Everything generated here is <strong>synthetic</strong>: not a real patient, not for diagnosis. Models run locally; nothing you
        enter leaves this device.
      </footer>
    </div>
  );
}
