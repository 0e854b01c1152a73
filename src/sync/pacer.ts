/**
 * Gives the event loop a turn once a slice of synchronous work has run, so a large git sync
 * (parsing, validating, hashing tens of thousands of objects) never holds back /healthz, GraphQL
 * or subscriptions for longer than one slice. A turn costs a setImmediate (tens of microseconds);
 * at 10 ms slices that is well under 1% of the work it interleaves.
 */
import { setImmediate } from 'node:timers/promises';
import type { Steps } from '../domain/steps.js';

export const SLICE_MS = 10;

export class Pacer {
  private sliceStart = performance.now();

  constructor(private readonly sliceMs = SLICE_MS) {}

  /** Yields to the event loop when the current slice is used up. */
  async pause(): Promise<void> {
    if (performance.now() - this.sliceStart < this.sliceMs) return;
    await setImmediate();
    this.sliceStart = performance.now();
  }

  /** Runs the steps to their end, pausing between them. */
  async run<T>(steps: Steps<T>): Promise<T> {
    for (;;) {
      const step = steps.next();
      if (step.done) return step.value;
      await this.pause();
    }
  }
}
