/** Waiting helpers for event tests: every wait has a timeout, none sleeps. */
import type { Envelope, EventSubscription, RecordEvent, TopicName } from '../../src/events/index.js';

export const WAIT_MS = 5_000;

/** Resolves with the promise, or rejects naming `what` once `ms` pass (never a fixed delay). */
export function within<V>(promise: Promise<V>, what: string, ms = WAIT_MS): Promise<V> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The next `count` events of a subscription, failing if it ends or stalls first. */
export async function take<T extends TopicName>(
  subscription: EventSubscription<T>,
  count: number,
): Promise<Envelope<T>[]> {
  const events: Envelope<T>[] = [];
  while (events.length < count) {
    const result = await within(subscription.next(), `event ${events.length + 1} of ${count}`);
    if (result.done) throw new Error(`subscription ended after ${events.length} of ${count} events`);
    events.push(result.value);
  }
  return events;
}

/** Events until (and including) the one with id `lastId`. */
export async function takeUntil<T extends TopicName>(
  subscription: EventSubscription<T>,
  lastId: string,
): Promise<Envelope<T>[]> {
  const events: Envelope<T>[] = [];
  while (events.at(-1)?.id !== lastId) events.push(...(await take(subscription, 1)));
  return events;
}

export const recordEvent = (fabricId: string, name: string): RecordEvent => ({
  fabricId,
  kind: 'VPC',
  namespace: 'default',
  name,
  type: 'MODIFIED',
  state: 'IN_SYNC',
  at: new Date(0).toISOString(),
});

export const names = (events: readonly Envelope<'recordEvents'>[]): string[] =>
  events.map((e) => e.payload.name);

/** True when ids are consecutive integers in ascending order (what every bus promises per scope). */
export const areConsecutive = (ids: readonly string[]): boolean =>
  ids.every((id, i) => i === 0 || Number(id) === Number(ids[i - 1]) + 1);
