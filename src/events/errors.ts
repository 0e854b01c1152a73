/**
 * Ways a subscription ends other than by its consumer. Each names the topic and scope, and says what
 * the client should do: resync (expired), reconnect and resume (slow consumer, bus failure).
 */
import type { TopicName } from './topics.js';

/** The requested `after` id is older than the kept history (like Kubernetes' 410 Gone): resync. */
export class EventsExpiredError extends Error {
  constructor(
    readonly topic: TopicName,
    readonly scopeId: string,
    readonly after: string,
  ) {
    super(
      `${topic}/${scopeId}: events after ${after} are no longer kept; resync and subscribe without 'after'`,
    );
    this.name = 'EventsExpiredError';
  }
}

/** The consumer fell more than `bufferSize` events behind; it may resume with the last id it handled. */
export class SlowConsumerError extends Error {
  constructor(
    readonly topic: TopicName,
    readonly scopeId: string,
    readonly bufferSize: number,
  ) {
    super(`${topic}/${scopeId}: subscriber fell more than ${bufferSize} events behind and was dropped`);
    this.name = 'SlowConsumerError';
  }
}

/** The bus was closed (server shutting down) or lost events it could not recover. */
export class EventBusError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'EventBusError';
  }
}

/** Promise rejections are `unknown`; listeners and error callbacks take an Error. */
export const toError = (error: unknown): Error =>
  error instanceof Error ? error : new EventBusError(String(error));
