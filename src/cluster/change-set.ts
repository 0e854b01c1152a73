/** Apply and delete return a change set, one entry per object in input order (style §4 example 5). */
import type { ObjectRef } from '../domain/kinds.js';
import type { Manifest } from '../domain/manifest.js';
import type { ClusterError } from './cluster-error.js';

export type ApplyAction = 'CREATED' | 'CONFIGURED' | 'UNCHANGED' | 'DELETED' | 'FAILED';

export interface ChangeSetEntry {
  readonly ref: ObjectRef;
  readonly action: ApplyAction;
  /** The object as the server returned it (after its webhooks), for successful applies. */
  readonly object?: Manifest;
  readonly error?: ClusterError;
}

export interface ApplyOptions {
  /** dryRun=All: full server processing, nothing stored. */
  readonly dryRun?: boolean;
  /** Live resourceVersions by formatRef: an apply that leaves it unchanged is UNCHANGED. */
  readonly knownVersions?: ReadonlyMap<string, string>;
  readonly signal?: AbortSignal;
}

export interface DeleteOptions {
  readonly dryRun?: boolean;
  readonly signal?: AbortSignal;
}
