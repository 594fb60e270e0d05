/**
 * Keeps a failure inside one part of the screen: a damaged history card, a result that cannot be drawn, or one
 * screen, instead of the whole studio. The fallback says what failed and offers a way out; `resetKey` changing
 * (another record, another screen) tries the children again.
 */
import { Component, type ErrorInfo, type ReactNode } from 'react';

interface Props {
  readonly children: ReactNode;
  readonly fallback: (error: Error, reset: () => void) => ReactNode;
  readonly resetKey?: unknown;
  /** For the console: which part failed. */
  readonly name: string;
}

interface State {
  readonly error: Error | null;
  readonly key: unknown;
}

export class SectionBoundary extends Component<Props, State> {
  override state: State = { error: null, key: this.props.resetKey };

  static getDerivedStateFromError(error: unknown): Partial<State> {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  static getDerivedStateFromProps(props: Props, state: State): Partial<State> | null {
    return props.resetKey !== state.key ? { error: null, key: props.resetKey } : null;
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error(`[studio] ${this.props.name} failed`, error, info.componentStack);
  }

  private readonly reset = () => this.setState({ error: null });

  override render() {
    return this.state.error ? this.props.fallback(this.state.error, this.reset) : this.props.children;
  }
}
