/**
 * The event bus of a single process: a Map of (topic, scope) → listeners and kept history, so
 * publishing costs one lookup plus one delivery per subscriber of that scope and nothing for others.
 */
import { EventBusError, EventsExpiredError } from './errors.js';
import {
  DEFAULT_HISTORY_SIZE,
  DEFAULT_SCOPE_TTL_MS,
  scopeKey,
  type EventBus,
  type EventSubscription,
  type SubscribeOptions,
} from './event-bus.js';
import { canResume, scopeBaseId } from './event-id.js';
import { envelopeFromJson } from './envelope.js';
import type { Listener } from './subscription.js';
import { SubscriptionSet, type ScopeFeed } from './subscription-set.js';
import type { Envelope, TopicName, Topics } from './topics.js';

export interface InProcessBusOptions {
  /** Events kept per (topic, scope) for resuming subscribers. */
  readonly historySize?: number;
  /** A scope without subscribers and without events for this long is forgotten. */
  readonly scopeTtlMs?: number;
  /** The clock, injectable so tests can age scopes without waiting. */
  readonly now?: () => number;
}

interface ScopeState {
  lastId: number | undefined;
  readonly history: Envelope[];
  readonly listeners: Set<Listener>;
  touchedAt: number;
}

export class InProcessBus implements EventBus {
  private readonly scopes = new Map<string, ScopeState>();
  private readonly subscriptions = new SubscriptionSet();
  private readonly historySize: number;
  private readonly scopeTtlMs: number;
  private readonly now: () => number;
  private lastSweepAt: number;
  private closed = false;

  constructor({
    historySize = DEFAULT_HISTORY_SIZE,
    scopeTtlMs = DEFAULT_SCOPE_TTL_MS,
    now = Date.now,
  }: InProcessBusOptions = {}) {
    this.historySize = historySize;
    this.scopeTtlMs = scopeTtlMs;
    this.now = now;
    this.lastSweepAt = now();
  }

  async publish<T extends TopicName>(topic: T, scopeId: string, payload: Topics[T]): Promise<Envelope<T>> {
    if (this.closed) throw new EventBusError(`${topic}/${scopeId}: cannot publish, the event bus is closed`);
    const now = this.now();
    this.sweepIdleScopes(now);
    const scope = this.scope(topic, scopeId);
    scope.lastId = (scope.lastId ?? scopeBaseId(now)) + 1;
    scope.touchedAt = now;
    const envelope = envelopeFromJson(topic, scopeId, scope.lastId, JSON.stringify(payload));
    scope.history.push(envelope);
    if (scope.history.length > this.historySize) scope.history.shift();
    for (const listener of scope.listeners) listener.deliver(envelope);
    return envelope;
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
    this.closed = true;
    this.subscriptions.closeAll('the event bus is closed');
    this.scopes.clear();
  }

  private feed(topic: TopicName, scopeId: string): ScopeFeed {
    const key = scopeKey(topic, scopeId);
    return {
      listen: async (listener) => void this.scope(topic, scopeId).listeners.add(listener),
      unlisten: (listener) => {
        const scope = this.scopes.get(key);
        scope?.listeners.delete(listener);
        if (scope?.listeners.size === 0 && scope.lastId === undefined) this.scopes.delete(key);
      },
      readAfter: async (after) => {
        const { lastId, history = [] } = this.scopes.get(key) ?? {};
        const firstKeptId = history[0] && Number(history[0].id);
        if (!canResume(after, { lastId, firstKeptId }))
          throw new EventsExpiredError(topic, scopeId, String(after));
        return firstKeptId === undefined ? [] : history.slice(Math.max(0, after + 1 - firstKeptId));
      },
    };
  }

  private scope(topic: TopicName, scopeId: string): ScopeState {
    const key = scopeKey(topic, scopeId);
    let scope = this.scopes.get(key);
    if (!scope) {
      scope = { lastId: undefined, history: [], listeners: new Set(), touchedAt: this.now() };
      this.scopes.set(key, scope);
    }
    return scope;
  }

  /** At most a few times per TTL: walking every scope on each publish would cost O(scopes). */
  private sweepIdleScopes(now: number): void {
    if (now - this.lastSweepAt < this.scopeTtlMs / 4) return;
    this.lastSweepAt = now;
    for (const [key, scope] of this.scopes) {
      if (scope.listeners.size === 0 && now - scope.touchedAt > this.scopeTtlMs) this.scopes.delete(key);
    }
  }
}
