/**
 * The event bus shared by all replicas through Redis: ids, history and live delivery live in Redis
 * (redis-history.ts), local subscribers hang off ref-counted per-scope channels (redis-feeds.ts).
 * Commands and subscriptions use separate connections: a subscribed connection accepts no commands.
 * ioredis reconnects both; `close()` quits both cleanly.
 */
import { Redis } from 'ioredis';
import { EventBusError } from './errors.js';
import {
  DEFAULT_HISTORY_SIZE,
  DEFAULT_SCOPE_TTL_MS,
  type EventBus,
  type EventSubscription,
  type SubscribeOptions,
} from './event-bus.js';
import { envelopeFromJson } from './envelope.js';
import { RedisFeeds } from './redis-feeds.js';
import { definePublishScript, readHistory, scopeKeys } from './redis-history.js';
import { SubscriptionSet, type ScopeFeed } from './subscription-set.js';
import type { Envelope, TopicName, Topics } from './topics.js';

export interface RedisBusOptions {
  /** e.g. `redis://127.0.0.1:6379` */
  readonly url: string;
  /** Events kept per (topic, scope) for resuming subscribers. */
  readonly historySize?: number;
  /** A scope's keys expire this long after its last event, so dead scopes (finished operations) vanish. */
  readonly scopeTtlMs?: number;
  /** Prefix of every key and channel, so several deployments (or test runs) can share one Redis. */
  readonly keyPrefix?: string;
  /** Shown by CLIENT LIST; the subscriber connection gets `-subscriber` appended. */
  readonly connectionName?: string;
  /** Connection and unsubscribe failures that no caller is waiting for. */
  readonly onError?: (error: Error) => void;
}

const warn = (error: Error): void => process.emitWarning(error);

export class RedisBus implements EventBus {
  private readonly commands: Redis;
  private readonly subscriber: Redis;
  private readonly feeds: RedisFeeds;
  private readonly subscriptions = new SubscriptionSet();
  private readonly historySize: number;
  private readonly scopeTtlMs: number;
  private readonly keyPrefix: string;
  private closed = false;

  constructor({
    url,
    historySize = DEFAULT_HISTORY_SIZE,
    scopeTtlMs = DEFAULT_SCOPE_TTL_MS,
    keyPrefix = 'fabric-sync:events:',
    connectionName = 'fabric-sync-events',
    onError = warn,
  }: RedisBusOptions) {
    this.historySize = historySize;
    this.scopeTtlMs = scopeTtlMs;
    this.keyPrefix = keyPrefix;
    this.commands = new Redis(url, { connectionName });
    this.subscriber = this.commands.duplicate({ connectionName: `${connectionName}-subscriber` });
    this.commands.on('error', onError);
    this.subscriber.on('error', onError);
    definePublishScript(this.commands);
    const readAfter = (topic: TopicName, scopeId: string, after: number) =>
      readHistory(this.commands, scopeKeys(keyPrefix, topic, scopeId), topic, scopeId, after);
    this.feeds = new RedisFeeds(this.subscriber, readAfter, onError);
  }

  async publish<T extends TopicName>(topic: T, scopeId: string, payload: Topics[T]): Promise<Envelope<T>> {
    if (this.closed) throw new EventBusError(`${topic}/${scopeId}: cannot publish, the event bus is closed`);
    const keys = scopeKeys(this.keyPrefix, topic, scopeId);
    const payloadJson = JSON.stringify(payload);
    const id = await this.commands
      .publishFabricEvent(
        keys.sequence,
        keys.history,
        keys.run,
        payloadJson,
        this.historySize,
        this.scopeTtlMs,
        keys.channel,
      )
      .catch((error: unknown) => {
        throw new EventBusError(`${topic}/${scopeId}: publishing to Redis failed`, { cause: error });
      });
    return envelopeFromJson(topic, scopeId, Number(id), payloadJson);
  }

  subscribe<T extends TopicName>(
    topic: T,
    scopeId: string,
    options?: SubscribeOptions,
  ): EventSubscription<T> {
    return this.subscriptions.subscribe(this.feed(topic, scopeId), topic, scopeId, options);
  }

  subscriptionCount(): number {
    return this.subscriptions.size;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.subscriptions.closeAll('the event bus is closed');
    await Promise.all([this.commands.quit(), this.subscriber.quit()]);
  }

  private feed(topic: TopicName, scopeId: string): ScopeFeed {
    const keys = scopeKeys(this.keyPrefix, topic, scopeId);
    return {
      listen: (listener) => this.feeds.join(keys.channel, topic, scopeId, listener),
      unlisten: (listener) => this.feeds.leave(keys.channel, listener),
      readAfter: (after) => readHistory(this.commands, keys, topic, scopeId, after),
    };
  }
}
