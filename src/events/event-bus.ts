/**
 * The event bus contract, met by InProcessBus and RedisBus alike (one shared test suite).
 * Topics are scoped: a subscriber names one (topic, scope) and never pays for events of other scopes.
 */
import type { Envelope, TopicName, Topics } from './topics.js';

export interface SubscribeOptions {
  /**
   * Resume point: the id of the last event the client handled. The subscription first replays the
   * kept events after it, then follows live ones, with no gap and no duplicate. `FROM_OLDEST` ('0')
   * replays all kept events. An id older than the kept history fails with `EventsExpiredError`.
   * Without it, the subscription follows events published once `ready` has settled.
   */
  readonly after?: string;
  /** Live events held for a consumer that has not taken them yet; one more ends it with `SlowConsumerError`. */
  readonly bufferSize?: number;
  /** Aborting ends the subscription like `return()`. */
  readonly signal?: AbortSignal;
}

export interface EventSubscription<T extends TopicName> extends AsyncIterableIterator<Envelope<T>> {
  /** Settles once the subscription receives every later-published event (or has already failed). */
  readonly ready: Promise<void>;
  /** Unsubscribes: frees the buffer and, with the last local subscriber of a scope, its Redis channel. */
  return(): Promise<IteratorResult<Envelope<T>>>;
}

export interface EventBus {
  /** Assigns the next id of (topic, scope), keeps the event in the history and delivers it. */
  publish<T extends TopicName>(topic: T, scopeId: string, payload: Topics[T]): Promise<Envelope<T>>;
  /** `return()` on the iterator (or `break` in `for await`) unsubscribes and frees its resources. */
  subscribe<T extends TopicName>(topic: T, scopeId: string, options?: SubscribeOptions): EventSubscription<T>;
  /** Subscriptions open on this bus instance (a metrics gauge; drops as subscribers leave). */
  subscriptionCount(): number;
  /** Ends every subscription normally and releases connections; later calls fail with `EventBusError`. */
  close(): Promise<void>;
}

export const DEFAULT_HISTORY_SIZE = 1000;
export const DEFAULT_BUFFER_SIZE = 1000;
/** A scope with no event for this long is forgotten (its history too); resuming it means resync. */
export const DEFAULT_SCOPE_TTL_MS = 60 * 60 * 1000;

/** The key of one (topic, scope): topic names contain no ':', so it is unambiguous. */
export const scopeKey = (topic: TopicName, scopeId: string): string => `${topic}:${scopeId}`;
