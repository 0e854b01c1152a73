/**
 * One Redis channel per (topic, scope), subscribed while at least one local subscriber wants it
 * (ref-counted by the listener set). Why not one pattern per topic: then every replica would receive
 * and parse every event of every fabric; with per-scope channels Redis routes an event (one hash
 * lookup) only to replicas that have a subscriber of that scope, and each replica parses it once for
 * all its local subscribers. 100 fabrics × 4 topics is a few hundred channels: cheap for Redis.
 *
 * Pub/sub is at-most-once: messages published while the connection is down are lost. Ids are gapless
 * per scope, so a feed that sees a gap (or reconnects) fills it from the history before going on.
 */
import type { Redis } from 'ioredis';
import { toError } from './errors.js';
import { envelopeFromJson } from './envelope.js';
import type { Listener } from './subscription.js';
import { parseMessage } from './redis-history.js';
import type { Envelope, TopicName } from './topics.js';

/** Reads the kept events of a scope after an id (redis-history `readHistory`). */
export type HistoryReader = (
  topic: TopicName,
  scopeId: string,
  after: number,
) => Promise<readonly Envelope[]>;

interface Feed {
  readonly topic: TopicName;
  readonly scopeId: string;
  readonly listeners: Set<Listener>;
  readonly subscribed: Promise<void>;
  /** The newest id delivered; undefined until the first message. */
  lastId: number | undefined;
  /** Messages that arrive while a gap is being filled; undefined when not filling. */
  backlog: Envelope[] | undefined;
}

export class RedisFeeds {
  private readonly feeds = new Map<string, Feed>();
  private connectedBefore = false;

  constructor(
    private readonly subscriber: Redis,
    private readonly readAfter: HistoryReader,
    private readonly onError: (error: Error) => void,
  ) {
    subscriber.on('message', (channel: string, message: string) => {
      try {
        this.receive(channel, message);
      } catch (error) {
        this.onError(toError(error)); // the gap it leaves is filled from the history on the next message
      }
    });
    subscriber.on('ready', () => this.reconnected());
  }

  /** Registers the listener now; settles once Redis confirms the channel subscription. */
  join(channel: string, topic: TopicName, scopeId: string, listener: Listener): Promise<void> {
    const feed = this.feeds.get(channel) ?? this.open(channel, topic, scopeId);
    feed.listeners.add(listener);
    return feed.subscribed;
  }

  leave(channel: string, listener: Listener): void {
    const feed = this.feeds.get(channel);
    if (!feed?.listeners.delete(listener) || feed.listeners.size > 0) return;
    this.feeds.delete(channel);
    this.subscriber.unsubscribe(channel).catch((error: unknown) => this.onError(toError(error)));
  }

  private open(channel: string, topic: TopicName, scopeId: string): Feed {
    const subscribed = this.subscriber.subscribe(channel).then(() => undefined);
    const feed: Feed = {
      topic,
      scopeId,
      listeners: new Set(),
      subscribed,
      lastId: undefined,
      backlog: undefined,
    };
    this.feeds.set(channel, feed);
    // A failed SUBSCRIBE reaches the joining subscriptions through `subscribed`; forget the feed so
    // the next subscriber tries again.
    void subscribed.catch(() => this.feeds.get(channel) === feed && this.feeds.delete(channel));
    return feed;
  }

  private receive(channel: string, message: string): void {
    const feed = this.feeds.get(channel);
    if (!feed) return; // unsubscribed a moment ago
    const { id, payloadJson } = parseMessage(message);
    const envelope = envelopeFromJson(feed.topic, feed.scopeId, id, payloadJson);
    if (feed.backlog) feed.backlog.push(envelope);
    else if (feed.lastId !== undefined && id > feed.lastId + 1) this.fill(feed, [envelope]);
    else this.dispatch(feed, envelope);
  }

  private dispatch(feed: Feed, envelope: Envelope): void {
    const id = Number(envelope.id);
    if (feed.lastId !== undefined && id <= feed.lastId) return;
    feed.lastId = id;
    for (const listener of feed.listeners) listener.deliver(envelope);
  }

  /** Delivers the missed events from the history, then what arrived meanwhile. */
  private fill(feed: Feed, backlog: Envelope[]): void {
    if (feed.lastId === undefined || feed.backlog) return;
    feed.backlog = backlog;
    this.readAfter(feed.topic, feed.scopeId, feed.lastId).then(
      (missed) => {
        const arrived = feed.backlog ?? [];
        feed.backlog = undefined;
        [...missed, ...arrived].forEach((envelope) => this.dispatch(feed, envelope));
      },
      (error: unknown) => {
        feed.backlog = undefined;
        for (const listener of [...feed.listeners]) listener.fail(toError(error));
      },
    );
  }

  /** After a reconnect, make sure every channel is subscribed again, then fill what was missed. */
  private reconnected(): void {
    if (!this.connectedBefore) {
      this.connectedBefore = true;
      return;
    }
    const channels = [...this.feeds.keys()];
    if (channels.length === 0) return;
    this.subscriber.subscribe(...channels).then(
      () => this.feeds.forEach((feed) => this.fill(feed, [])),
      (error: unknown) => this.onError(toError(error)),
    );
  }
}
