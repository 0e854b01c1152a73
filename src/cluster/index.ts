/** The cluster layer: one client per fabric (architecture §2). */
export {
  ClusterClient,
  FIELD_MANAGER,
  type ClusterClientOptions,
  type ClusterRequestSample,
  type ListOptions,
} from './cluster-client.js';
export { ClusterClients } from './cluster-clients.js';
export { ClusterError, type ConnectionProblem, type KubeFailure } from './cluster-error.js';
export type { ApplyAction, ApplyOptions, ChangeSetEntry, DeleteOptions } from './change-set.js';
export type { ConnectionResult } from './connection-test.js';
export { Limiter } from './limiter.js';
export { LiveSet, listLiveSet, refOf } from './live-set.js';
export { FABRIC_LABEL, MANAGED_BY, MANAGED_BY_LABEL, isOwnedBy, withOwnership } from './ownership.js';
export type { RetryPolicy } from './retry.js';
export type { ClusterSettings } from './settings.js';
