/**
 * @file One job at a time. Each job gets its own AbortController; `cancel(id)` aborts a running job (the job
 * notices at its next check: every denoising step, every token, every download read) or removes a queued one
 * before it starts. A cancelled or failed job never blocks the jobs behind it.
 */
import { abortError } from './job-abort';

interface Entry {
  readonly id: string;
  readonly controller: AbortController;
  readonly run: () => void;
}

export class RunQueue {
  private readonly waiting: Entry[] = [];
  private running: Entry | null = null;

  /** Ids of the running job (first, if any) and the waiting ones, in order. */
  get ids(): string[] {
    return [...(this.running ? [this.running.id] : []), ...this.waiting.map((e) => e.id)];
  }

  has(id: string): boolean {
    return this.running?.id === id || this.waiting.some((e) => e.id === id);
  }

  /** Queues `task`; it starts when every earlier task has settled. Rejects with AbortError if cancelled first. */
  enqueue<T>(id: string, task: (signal: AbortSignal) => Promise<T>): Promise<T> {
    if (this.has(id)) return Promise.reject(new Error(`A job with id ${id} is already queued or running`));
    const controller = new AbortController();
    return new Promise<T>((resolve, reject) => {
      const entry: Entry = {
        id,
        controller,
        run: () => {
          if (controller.signal.aborted) {
            reject(abortError());
            this.next();
            return;
          }
          let result: Promise<T>;
          try {
            result = task(controller.signal);
          } catch (e) {
            result = Promise.reject(e);
          }
          result.then(resolve, reject).finally(() => {
            this.running = null;
            this.next();
          });
        },
      };
      controller.signal.addEventListener('abort', () => {
        const index = this.waiting.indexOf(entry);
        if (index >= 0) {
          this.waiting.splice(index, 1);
          reject(abortError());
        }
      });
      this.waiting.push(entry);
      if (!this.running) this.next();
    });
  }

  /** Aborts the job with this id (running or queued). Returns false if there is no such job. */
  cancel(id: string): boolean {
    const entry = this.running?.id === id ? this.running : this.waiting.find((e) => e.id === id);
    if (!entry) return false;
    entry.controller.abort(abortError());
    return true;
  }

  private next(): void {
    if (this.running) return;
    const entry = this.waiting.shift();
    if (!entry) return;
    this.running = entry;
    entry.run();
  }
}
