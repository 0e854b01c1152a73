/** The vocabulary of write-back: edits to a fabric's records, landed as one commit in its repository. */
import type { JsonObject, Manifest } from '../../domain/manifest.js';
import type { Operation, ResourceRecord } from '../../store/entities/index.js';

/** A new object, as a person or program describes it; apiVersion comes from the kind registry. */
export interface ManifestInput {
  readonly kind: string;
  readonly name: string;
  /** Unset means the fabric's namespace (`default`), and is then left out of the file. */
  readonly namespace?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly spec: JsonObject;
}

/** JSON merge patches (RFC 7386): a key set to null is removed; objects merge; anything else replaces. */
export interface RecordPatch {
  readonly labels?: Readonly<Record<string, string | null>> | null;
  readonly annotations?: Readonly<Record<string, string | null>> | null;
  readonly spec?: JsonObject;
}

export type RecordChange =
  | { readonly action: 'CREATE'; readonly manifest: ManifestInput }
  | { readonly action: 'UPDATE'; readonly recordId: string; readonly patch: RecordPatch }
  | { readonly action: 'DELETE'; readonly recordId: string }
  /** A live-only object written to Git; `live` is the object as the cluster returned it. */
  | { readonly action: 'ADOPT'; readonly kind: string; readonly name: string; readonly live: Manifest };

export type ChangeAction = RecordChange['action'];

export interface CommitAuthor {
  readonly name: string;
  readonly email: string;
}

export interface WriteOptions {
  /** Commit message; default names each change, e.g. "fabric-sync: update VPC vpc-1". */
  readonly message?: string;
  /** Default: the fabric's branch. Another name pushes the change to that branch for review (no sync). */
  readonly branch?: string;
  /** The fabric's branch must still be at this commit, or the write fails with CONFLICT. */
  readonly expectedCommit?: string;
  readonly author?: CommitAuthor;
}

export interface WriteResult {
  /** The pushed commit (the base commit when the change left every file as it was). */
  readonly commit: string;
  /** Where the commit went. */
  readonly branch: string;
  /**
   * One entry per change, in input order: the record after the sync. Null for DELETE, for a push to
   * a review branch, and when the sync did not succeed within the wait (follow `operation`).
   */
  readonly records: (ResourceRecord | null)[];
  /** The git sync that brings the commit into the database; null for a review branch. */
  readonly operation: Operation | null;
}
