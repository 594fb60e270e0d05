import { QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { ErrorBoundary } from './app/ErrorBoundary';
import { queryClient } from './app/query-client';
import { registerServiceWorker } from './app/register-sw';
import './styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

createRoot(root).render(
  <StrictMode>
    <ErrorBoundary>
      <QueryClientProvider client={queryClient}>
        <App />
      </QueryClientProvider>
    </ErrorBoundary>
  </StrictMode>,
);

if (import.meta.env.PROD) registerServiceWorker();

// Test and benchmark hooks (e2e/parity.spec.ts, scripts/bench.mjs): a separate chunk, loaded only with ?e2e=1.
if (new URLSearchParams(window.location.search).has('e2e')) void import('./e2e-hooks').then((m) => m.installE2EHooks());
