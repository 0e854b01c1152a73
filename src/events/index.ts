/** The event bus: what the rest of fabric-sync imports from `events/`. */
export type { EventBus, EventSubscription, SubscribeOptions } from './event-bus.js';
export { DEFAULT_BUFFER_SIZE, DEFAULT_HISTORY_SIZE, DEFAULT_SCOPE_TTL_MS } from './event-bus.js';
export { EventBusError, EventsExpiredError, SlowConsumerError } from './errors.js';
export { FROM_OLDEST, parseEventId } from './event-id.js';
export { createEventBus, type EventBusConfig } from './create-event-bus.js';
export { InProcessBus, type InProcessBusOptions } from './in-process-bus.js';
export { RedisBus, type RedisBusOptions } from './redis-bus.js';
export * from './topics.js';
