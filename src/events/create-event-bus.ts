/** Chooses the bus from configuration: Redis when a URL is set (several replicas), else in-process. */
import type { EventBus } from './event-bus.js';
import { InProcessBus } from './in-process-bus.js';
import { RedisBus } from './redis-bus.js';

export interface EventBusConfig {
  /** `REDIS_URL`; absent means a single replica with in-process events. */
  readonly redisUrl?: string | undefined;
  readonly historySize?: number;
  readonly scopeTtlMs?: number;
  readonly keyPrefix?: string;
  readonly onError?: (error: Error) => void;
}

export function createEventBus({
  redisUrl,
  historySize,
  scopeTtlMs,
  keyPrefix,
  onError,
}: EventBusConfig = {}): EventBus {
  if (redisUrl) return new RedisBus({ url: redisUrl, historySize, scopeTtlMs, keyPrefix, onError });
  return new InProcessBus({ historySize, scopeTtlMs });
}
