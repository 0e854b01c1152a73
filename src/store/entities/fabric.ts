import { EntitySchema, type Ref } from '@mikro-orm/core';
import type { DriftIgnoreRule } from '../../domain/drift-ignore.js';
import {
  FABRIC_CONNECTION,
  FABRIC_LIFECYCLE,
  FABRIC_SYNC,
  FABRIC_WATCH,
  type FabricConnection,
  type FabricLifecycle,
  type FabricSync,
  type FabricWatch,
} from '../../domain/states.js';
import type { GitRepository } from './git-repository.js';

/** One cluster endpoint + one repository directory. Fabrics share nothing (architecture §1). */
export class Fabric {
  id!: string;
  name!: string;
  description: string | null = null;
  lifecycle: FabricLifecycle = 'ACTIVE';
  clusterServer: string | null = null;
  clusterTokenCiphertext: string | null = null;
  clusterCa: string | null = null;
  clusterNamespace = 'default';
  /** Explicit only: TLS is verified unless a user turns this on (never implied by a missing CA). */
  clusterInsecureSkipTlsVerify = false;
  repository: Ref<GitRepository> | null = null;
  branch: string | null = null;
  /** Repo-relative, no leading or trailing slash; '' is the repository root. */
  directory = '';
  syncIntervalSeconds = 0;
  autoApply = false;
  prune = false;
  selfHeal = false;
  /** Set by suspendFabric: no operation but a drift check starts (domain/suspension.ts). */
  suspended = false;
  suspendedReason: string | null = null;
  /** Fields the drift check, the apply plan and the watch leave to other managers (domain/drift-ignore.ts). */
  driftIgnore: DriftIgnoreRule[] = [];
  connectionStatus: FabricConnection = 'UNKNOWN';
  connectionMessage: string | null = null;
  syncStatus: FabricSync = 'NEVER_SYNCED';
  watchStatus: FabricWatch = 'INACTIVE';
  watchMessage: string | null = null;
  lastWatchEventAt: Date | null = null;
  /** Commit and directory tree of the last successful git sync: an equal tree makes the next sync a no-op. */
  syncedCommit: string | null = null;
  syncedTree: string | null = null;
  /** Records per kind, kept in the same transaction as the records. */
  kindCounts: Record<string, number> = {};
  /** Bumped whenever cluster settings change, so cached clients and watches know to rebuild. */
  clusterGeneration = 1;
  createdAt: Date = new Date();
  updatedAt: Date = new Date();
}

export const FabricSchema = new EntitySchema<Fabric>({
  class: Fabric,
  tableName: 'fabric',
  properties: {
    id: { type: 'uuid', primary: true },
    name: { type: 'string', length: 63, unique: true },
    description: { type: 'text', nullable: true },
    lifecycle: { enum: true, items: () => [...FABRIC_LIFECYCLE] },
    clusterServer: { type: 'text', nullable: true },
    clusterTokenCiphertext: { type: 'text', nullable: true, lazy: true },
    clusterCa: { type: 'text', nullable: true },
    clusterNamespace: { type: 'string', length: 63 },
    clusterInsecureSkipTlsVerify: { type: 'boolean' },
    repository: {
      kind: 'm:1',
      entity: 'GitRepository',
      ref: true,
      nullable: true,
      deleteRule: 'restrict',
      index: true,
    },
    branch: { type: 'string', length: 255, nullable: true },
    directory: { type: 'text' },
    syncIntervalSeconds: { type: 'integer' },
    autoApply: { type: 'boolean' },
    prune: { type: 'boolean' },
    selfHeal: { type: 'boolean' },
    suspended: { type: 'boolean', default: false },
    suspendedReason: { type: 'text', nullable: true },
    driftIgnore: { type: 'json', default: '[]' },
    connectionStatus: { enum: true, items: () => [...FABRIC_CONNECTION] },
    connectionMessage: { type: 'text', nullable: true },
    syncStatus: { enum: true, items: () => [...FABRIC_SYNC] },
    watchStatus: { enum: true, items: () => [...FABRIC_WATCH] },
    watchMessage: { type: 'text', nullable: true },
    lastWatchEventAt: { type: 'datetime', nullable: true },
    syncedCommit: { type: 'string', length: 64, nullable: true },
    syncedTree: { type: 'string', length: 64, nullable: true },
    kindCounts: { type: 'json' },
    clusterGeneration: { type: 'integer' },
    createdAt: { type: 'datetime' },
    updatedAt: { type: 'datetime', onUpdate: () => new Date() },
  },
});
