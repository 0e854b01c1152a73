import type { EventBus } from '../../events/event-bus.js';
import type { FabricService } from './fabrics.js';
import type { RepositoryService } from './repositories.js';
import type { TokenService } from './tokens.js';
import type { OperationService } from '../../sync/operation-service.js';
import type { ConnectionResult } from '../../cluster/index.js';
import type { Manifest } from '../../domain/manifest.js';
import type { WriteBackService } from '../../sync/write-back/index.js';
import type { SinkService } from '../../sync/notifications/sinks.js';

/** Built once by main.ts and shared by every request. */
export interface Services {
  readonly fabrics: FabricService;
  readonly repositories: RepositoryService;
  readonly tokens: TokenService;
  readonly operations: OperationService;
  readonly events: EventBus;
  readonly clusters: {
    /** Calls the fabric's cluster, stores and publishes the outcome. */
    testConnection(fabricId: string): Promise<ConnectionResult>;
    /** The live object of the fabric's cluster, or null when it does not exist. */
    liveObject(fabricId: string, kind: string, name: string): Promise<Manifest | null>;
  };
  readonly writeBack: WriteBackService;
  readonly notifications: SinkService;
}
