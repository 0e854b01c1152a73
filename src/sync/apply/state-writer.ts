/**
 * Stores each wave's record states while the next wave is being applied: the database and the
 * cluster work at the same time, and the writes still land in order, one after the other.
 */
import type { LiveStateStore, Observation } from '../../store/live-state-store.js';

export class StateWriter {
  private queue: Promise<void> = Promise.resolve();
  private failure: { error: unknown } | undefined;

  constructor(private readonly store: Pick<LiveStateStore, 'write'>) {}

  /** Queues a write; a failure is kept for `settled` and stops the writes queued after it. */
  write(observations: readonly Observation[]): void {
    if (observations.length === 0) return;
    this.queue = this.queue.then(async () => {
      if (this.failure) return;
      try {
        await this.store.write(observations);
      } catch (error) {
        this.failure = { error };
      }
    });
  }

  /** Waits for every queued write; throws the first failure. */
  async settled(): Promise<void> {
    await this.queue;
    if (this.failure) throw this.failure.error;
  }
}
