/** What the git sync stages share: their dependencies and what earlier stages found. */
import type { MikroORM } from '@mikro-orm/postgresql';
import type { GitSource } from '../../git/git-source.js';
import type { RepoAccess } from '../../git/types.js';
import type { SourcedManifest } from '../../domain/validation-types.js';
import type { Vault } from '../../security/vault.js';
import type { RecordStore } from '../../store/record-store.js';
import type { Fabric } from '../../store/entities/index.js';
import type { OperationHandle } from '../operation-handle.js';
import type { ParseCache, ParsedFile } from './parse-cache.js';
import type { SyncLimits } from './sync-limits.js';

export interface GitSyncDeps {
  readonly orm: MikroORM;
  readonly git: GitSource;
  readonly vault: Vault;
  readonly records: RecordStore;
  readonly parseCache: ParseCache;
  readonly limits: SyncLimits;
}

export interface GitSyncContext {
  readonly deps: GitSyncDeps;
  readonly op: OperationHandle;
  fabric?: Fabric;
  access?: RepoAccess;
  commit?: string;
  tree?: string | null;
  /** Other fabrics' directories nested in this one, on the same repository and branch: never read. */
  excludeDirs?: string[];
  /** The directory's files at the commit, by path, as parsed (or taken from the cache). */
  files?: ReadonlyMap<string, ParsedFile>;
  manifests?: SourcedManifest[];
}
