/** Last-resort error screen: says what broke and offers a reload; nothing saved is touched. */
import { Component, type ErrorInfo, type ReactNode } from 'react';

interface State {
  readonly error: Error | null;
}

export class ErrorBoundary extends Component<{ readonly children: ReactNode }, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: unknown): State {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error('MedCoDi Studio crashed', error, info.componentStack);
  }

  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <main className="crash" role="alert">
        <h1>Something went wrong</h1>
        <p>{this.state.error.message}</p>
        <p className="muted">Your saved results and downloaded models are kept. Reloading usually helps.</p>
        <button type="button" className="primary" onClick={() => window.location.reload()}>
          Reload the studio
        </button>
      </main>
    );
  }
}
