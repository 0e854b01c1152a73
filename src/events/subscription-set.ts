/**
 * The subscribe flow both buses share, and the set of open subscriptions `close()` ends.
 * Order matters for a gapless resume: register for live events first (they are held), wait until
 * live delivery is in effect, then read the history, then let the subscription de-duplicate the seam.
 */
import { EventBusError, toError } from './errors.js';
import { DEFAULT_BUFFER_SIZE, type EventSubscription, type SubscribeOptions } from './event-bus.js';
import { parseEventId } from './event-id.js';
import { Subscription, type Listener } from './subscription.js';
import type { Envelope, TopicName } from './topics.js';

/** One (topic, scope) as a bus implementation offers it. */
export interface ScopeFeed {
  /** Registers the listener at once; settles when live delivery to it is in effect. */
  listen(listener: Listener): Promise<void>;
  /** Safe to call for a listener that was never registered. */
  unlisten(listener: Listener): void;
  /** The kept events after `after` in id order; rejects with `EventsExpiredError` if some are gone. */
  readAfter(after: number): Promise<readonly Envelope[]>;
}

export class SubscriptionSet {
  private readonly open = new Set<Listener>();
  private closedReason: string | undefined;

  get size(): number {
    return this.open.size;
  }

  subscribe<T extends TopicName>(
    feed: ScopeFeed,
    topic: T,
    scopeId: string,
    { after, bufferSize = DEFAULT_BUFFER_SIZE, signal }: SubscribeOptions = {},
  ): EventSubscription<T> {
    const subscription: Subscription<T> = new Subscription<T>({
      topic,
      scopeId,
      bufferSize,
      signal,
      onEnd: () => {
        this.open.delete(subscription);
        feed.unlisten(subscription);
      },
    });
    if (this.closedReason) subscription.fail(new EventBusError(`${topic}/${scopeId}: ${this.closedReason}`));
    if (subscription.isEnded) return subscription;
    this.open.add(subscription);
    this.start(feed, subscription, after).catch((error: unknown) => subscription.fail(toError(error)));
    return subscription;
  }

  /** Ends every open subscription normally; later subscriptions fail with `reason`. */
  closeAll(reason: string): void {
    this.closedReason = reason;
    for (const subscription of [...this.open]) subscription.end();
  }

  private async start<T extends TopicName>(
    feed: ScopeFeed,
    subscription: Subscription<T>,
    after?: string,
  ): Promise<void> {
    const from = after === undefined ? undefined : parseEventId(after);
    await feed.listen(subscription);
    const replay = from === undefined || subscription.isEnded ? [] : await feed.readAfter(from);
    subscription.begin(replay, from);
  }
}
