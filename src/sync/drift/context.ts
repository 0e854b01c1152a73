/** What the drift check stages share. */
import type { LiveSet } from '../../cluster/index.js';
import type { DriftStore } from '../../store/drift-store.js';
import type { Fabric } from '../../store/entities/index.js';
import type { DesiredObject, LiveStateStore } from '../../store/live-state-store.js';
import type { FabricClusterDeps } from '../fabric-connection.js';
import type { OperationHandle } from '../operation-handle.js';

export interface DriftDeps extends FabricClusterDeps {
  readonly liveState: LiveStateStore;
  readonly drift: DriftStore;
}

export interface DriftContext {
  readonly deps: DriftDeps;
  readonly op: OperationHandle;
  fabric?: Fabric;
  live?: LiveSet;
  desired?: DesiredObject[];
}
