/** What every resolver receives: who is asking, batched loaders for this request, and the services. */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Authorizer } from '../security/authz.js';
import type { Loaders } from './loaders.js';
import type { Services } from './services/index.js';
import type { RequestOutcome } from './response-cache.js';
import type { SharedEvents } from './shared-execution.js';

export interface ApiContext {
  readonly auth: Authorizer;
  readonly loaders: Loaders;
  /** Request-scoped entity manager, for reads; services fork their own for writes. */
  readonly em: EntityManager;
  readonly services: Services;
  /** Set for WebSocket operations: ends the whole connection (a slow consumer is dropped this way). */
  readonly closeConnection?: (code: number, reason: string) => void;
  /** Set for WebSocket operations: whether the connection's token still authenticates (not revoked or expired). */
  readonly tokenStillValid?: () => Promise<boolean>;
  /** Set for WebSocket operations: the subscription server's per-event sharing (shared-execution.ts). */
  readonly sharedEvents?: SharedEvents;
  /** Called after every mutation (resolvers/index.ts): this replica's cached answers are out of date. */
  readonly mutated?: () => void;
  /** Set for HTTP requests: what the response cache needs to know about the operation. */
  readonly outcome?: RequestOutcome;
}
