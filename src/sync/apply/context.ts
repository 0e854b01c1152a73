/** What the apply stages share: their dependencies and what earlier stages found. */
import type { ClusterClient, LiveSet } from '../../cluster/index.js';
import type { ObjectRef } from '../../domain/kinds.js';
import type { Fabric } from '../../store/entities/index.js';
import type { DesiredObject, LiveStateStore, Observation } from '../../store/live-state-store.js';
import type { FabricClusterDeps } from '../fabric-connection.js';
import type { OperationHandle } from '../operation-handle.js';
import type { DryRunChange } from './dry-run.js';

export interface ApplyDeps extends FabricClusterDeps {
  readonly liveState: LiveStateStore;
}

export interface ApplyContext {
  readonly deps: ApplyDeps;
  readonly op: OperationHandle;
  fabric?: Fabric;
  client?: ClusterClient;
  live?: LiveSet;
  desired?: DesiredObject[];
  /** Records whose live object differs (or is missing, or not ours yet). */
  toApply?: DesiredObject[];
  /** Records already equal in the cluster: stored as IN_SYNC without a write. */
  unchanged?: Observation[];
  /** Owned live objects no longer desired (only filled when the fabric prunes). */
  toPrune?: ObjectRef[];
  /** dryRun: the would-be changes, written to operation.result. */
  changes?: DryRunChange[];
}
