/** What GitSource needs to reach one repository; secrets arrive decrypted and are never stored. */
import type { AuthKind, RepositoryConnection } from '../domain/states.js';

export interface RepoAuth {
  readonly kind: AuthKind;
  /** TOKEN: defaults to `x-access-token`; BASIC: required. */
  readonly username?: string;
  /** TOKEN: the token; BASIC: the password. */
  readonly secret?: string;
  /** SSH_KEY: the private key in OpenSSH or PEM form (no passphrase). */
  readonly privateKey?: string;
}

export interface RepoAccess {
  /** Stable id of the repository: names its cache, so two repositories never share one. */
  readonly id: string;
  readonly url: string;
  readonly auth: RepoAuth;
  /** SSH only: skip host key checks. Explicit per repository, never implied. */
  readonly insecureIgnoreHostKey?: boolean;
}

/** A connection status a check can measure (UNKNOWN is only the state before the first check). */
export type RemoteStatus = Exclude<RepositoryConnection, 'UNKNOWN'>;

export interface ConnectionResult {
  readonly status: RemoteStatus;
  readonly message: string;
  readonly commit?: string;
}

export interface ManifestFile {
  /** Repo-relative path, e.g. `fabrics/east/vpcs.yaml`. */
  readonly path: string;
  readonly content: string;
  /** The blob id: equal ids mean equal contents, so a caller may reuse what it parsed before. */
  readonly oid: string;
}

/** A file before its content is read. */
export interface FileEntry {
  readonly path: string;
  readonly oid: string;
  /** Bytes, from the tree listing. */
  readonly size: number;
}

export interface ReadOptions {
  /** Repo-relative directories not to read (other fabrics nested inside this one). */
  readonly excludeDirs?: readonly string[];
  readonly maxFileBytes?: number;
  readonly maxFiles?: number;
  /** Reads (and yields) only the files this accepts, e.g. those whose blob changed since the last sync. */
  readonly include?: (file: FileEntry) => boolean;
}

export interface FileChange {
  /** Repo-relative path of the file to write. */
  readonly path: string;
  /** New content; null deletes the file. */
  readonly content: string | null;
}

export interface CommitRequest {
  /** The branch the change is based on (the fabric's branch). */
  readonly branch: string;
  /** The commit the change was computed from; the push fails with CONFLICT when the branch moved on. */
  readonly baseCommit: string;
  /** Where to push: `branch` itself, or a new branch for review. */
  readonly targetBranch: string;
  readonly files: readonly FileChange[];
  readonly message: string;
  readonly author: { readonly name: string; readonly email: string };
}

/** A revert of one directory: the base commit with `directory` as it was at `fromCommit`. */
export interface RestoreRequest extends Omit<CommitRequest, 'files'> {
  readonly fromCommit: string;
  /** Repo-relative; '' is the whole repository. */
  readonly directory: string;
  /** Directories under it that stay as at the base (other fabrics nested in this one). */
  readonly keepDirs: readonly string[];
}
