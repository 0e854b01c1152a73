/**
 * What the last sync of each fabric parsed, by file and blob id: a file whose blob did not change
 * is neither read from Git nor parsed nor hashed again, so a one-file commit costs one file. Beside
 * it, the fabric's own Validator, which remembers each kept object's checks and each set rule's last
 * inputs: one per fabric, so syncs of other fabrics in between do not make its rules run again.
 * Memory-only and per process: a restart or another replica simply parses everything once.
 */
import type { Manifest } from '../../domain/manifest.js';
import type { ParseError } from '../../domain/parse-manifests.js';
import type { DesiredRecord } from '../../domain/record-plan.js';
import type { SourcedManifest } from '../../domain/validation-types.js';
import { Validator } from '../../domain/validate.js';
import type { DocumentsByText } from './reparse.js';

export interface ParsedFile {
  readonly oid: string;
  readonly manifests: readonly SourcedManifest[];
  /** Documents in the file, empty and invalid ones included (sync-limits.ts counts them). */
  readonly documentCount: number;
  /** The documents by text, for reparsing the file's next version; absent when it was parsed whole. */
  readonly documents?: DocumentsByText | undefined;
  /** What PERSIST makes of the manifests, once per blob; filled by PERSIST. */
  records?: FileRecords;
  readonly errors: readonly ParseError[];
}

/** A file's records as PERSIST compares and writes them; the source commit is added to written rows only. */
export interface FileRecords {
  readonly rows: readonly {
    readonly key: string;
    readonly record: DesiredRecord;
    readonly manifest: Manifest;
    /** rowDigest of the record: what the database compares. */
    readonly digest: string;
  }[];
}

export class ParseCache {
  private readonly fabrics = new Map<string, Map<string, ParsedFile>>();
  private readonly validators = new Map<string, Validator>();

  filesOf(fabricId: string): ReadonlyMap<string, ParsedFile> {
    return this.fabrics.get(fabricId) ?? new Map<string, ParsedFile>();
  }

  /** Replaces the fabric's entry with exactly the files of the latest commit. */
  replace(fabricId: string, files: ReadonlyMap<string, ParsedFile>): void {
    this.fabrics.set(fabricId, new Map(files));
  }

  validatorOf(fabricId: string): Validator {
    let validator = this.validators.get(fabricId);
    if (!validator) this.validators.set(fabricId, (validator = new Validator()));
    return validator;
  }

  /** A deleted fabric's files and validator. */
  forget(fabricId: string): void {
    this.fabrics.delete(fabricId);
    this.validators.delete(fabricId);
  }
}
