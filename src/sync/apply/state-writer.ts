/**
 * Stores each wave's record states while the next wave is being applied: the database and the
 * cluster work at the same time, and the writes still land in order, one after the other. The
 * writes trail the waves by at most one, so a failed write stops the apply one wave later at most.
 */
import type { LiveStateStore, Observation } from '../../store/live-state-store.js';

export class StateWriter {
  private queue: Promise<void> = Promise.resolve();
  /** Every queued write but the newest. */
  private older: Promise<void> = Promise.resolve();
  private failure: { error: unknown } | undefined;

  constructor(private readonly store: Pick<LiveStateStore, 'write'>) {}

  /** Queues a write; a failure is kept for `caughtUp` and `settled` and stops the writes queued after it. */
  write(observations: readonly Observation[]): void {
    if (observations.length === 0) return;
    this.older = this.queue;
    this.queue = this.queue.then(async () => {
      if (this.failure) return;
      try {
        await this.store.write(observations);
      } catch (error) {
        this.failure = { error };
      }
    });
  }

  /**
   * Call before the next wave: waits for every write but the newest (which goes on alongside that
   * wave), then throws the first failure known. Costs nothing while the database keeps up.
   */
  async caughtUp(): Promise<void> {
    await this.older;
    if (this.failure) throw this.failure.error;
  }

  /** Waits for every queued write; throws the first failure. */
  async settled(): Promise<void> {
    await this.queue;
    if (this.failure) throw this.failure.error;
  }
}
