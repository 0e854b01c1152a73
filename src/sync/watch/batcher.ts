/**
 * Coalesces items pushed within a few milliseconds into one batch and hands batches, in order and
 * one at a time, to `handle`. Items arriving while a batch is handled form the next one, so a burst
 * costs a few set-based writes rather than one per item. A failed batch is kept and retried.
 */
export interface BatcherOptions<T> {
  readonly handle: (batch: T[]) => Promise<void>;
  /** Told about each failed attempt; the batch is retried after `retryMs`. */
  readonly onError: (err: unknown, size: number) => void;
  readonly delayMs?: number;
  readonly retryMs?: number;
  readonly maxBatch?: number;
}

export class Batcher<T> {
  private queue: T[] = [];
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly options: BatcherOptions<T>) {}

  push(item: T): void {
    this.queue.push(item);
    this.schedule(this.options.delayMs ?? 5);
  }

  /** Resolves once every item pushed so far has been handled. */
  idle(): Promise<void> {
    if (this.queue.length === 0 && !this.running) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Handles what is queued now, once more without waiting; rejects when that last attempt fails. */
  async close(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
    if (this.queue.length > 0) await this.options.handle(this.queue.splice(0));
    this.notifyIdle();
  }

  /** Drops what is queued and stops; a batch already being handled finishes first. */
  async discard(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.queue = [];
    await this.running;
    this.queue = [];
    this.notifyIdle();
  }

  private schedule(delayMs: number): void {
    if (this.timer || this.running) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.running = this.drain().then((failed) => {
        this.running = undefined;
        if (this.queue.length === 0) return this.notifyIdle();
        this.schedule(failed ? (this.options.retryMs ?? 1000) : 0);
      });
    }, delayMs);
  }

  /** Returns true when a batch failed (and is queued again). */
  private async drain(): Promise<boolean> {
    const { handle, onError, maxBatch = 5000 } = this.options;
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, maxBatch);
      try {
        await handle(batch);
      } catch (err) {
        this.queue.unshift(...batch); // kept in order for the retry: dropping it would lose live state
        onError(err, batch.length);
        return true;
      }
    }
    return false;
  }

  private notifyIdle(): void {
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}
