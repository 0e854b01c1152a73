/** Small waiting helpers for the watch tests: every wait is on an event, bounded by a timeout. */
import type { EventBus } from '../../src/events/index.js';
import type { Topics } from '../../src/events/index.js';
import { within } from '../events/support.js';

/** A value pushed by callbacks, awaited by the test: resolves the first waiter whose predicate holds. */
export class Signals<T> {
  readonly seen: T[] = [];
  private waiters: { test: (value: T) => boolean; resolve: (value: T) => void; from: number }[] = [];

  push = (value: T): void => {
    this.seen.push(value);
    this.waiters = this.waiters.filter((w) => !(w.test(value) && (w.resolve(value), true)));
  };

  /** The next value (from now on, or from index `from` of `seen`) that satisfies `test`. */
  next(test: (value: T) => boolean, what: string, { from = this.seen.length, ms = 15_000 } = {}): Promise<T> {
    const already = this.seen.slice(from).find(test);
    if (already !== undefined) return Promise.resolve(already);
    return within(new Promise<T>((resolve) => this.waiters.push({ test, resolve, from })), what, ms);
  }
}

/** Every payload of (topic, scope) published from now on, as Signals. */
export async function follow<K extends keyof Topics>(
  bus: EventBus,
  topic: K,
  scopeId: string,
): Promise<{ signals: Signals<Topics[K]>; stop: () => Promise<void> }> {
  const signals = new Signals<Topics[K]>();
  const subscription = bus.subscribe(topic, scopeId, { bufferSize: 100_000 });
  await subscription.ready;
  const pump = (async () => {
    for await (const envelope of subscription) signals.push(envelope.payload);
  })();
  return {
    signals,
    stop: async () => {
      await subscription.return();
      await pump;
    },
  };
}
