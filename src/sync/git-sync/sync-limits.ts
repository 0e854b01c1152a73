/**
 * What one git sync may read: YAML files, their bytes and their documents, counted over every file
 * of the fabric's directory at the commit — unchanged files taken from the parse cache too, and a
 * blob committed under many paths once per path — so no commit makes a sync parse without bound,
 * and a commit gets the same verdict on every replica, warm or cold. Files and bytes are known from
 * the listing, before any blob is read; documents as each file is parsed, so a sync over the limit
 * fails after at most one file (≤ 10,000 documents, parse-manifests.ts) past it.
 */
import { OperationFailure } from '../stage.js';

export interface SyncLimits {
  readonly maxFiles: number;
  readonly maxBytes: number;
  /** Empty and invalid documents count: each costs a parse, and an invalid one an error. */
  readonly maxDocuments: number;
}

/**
 * Room for a 100,000-object fabric: generated ones take 238 bytes per object (~23 MiB) in files of
 * ~180 objects (~560 files); 128 MiB, 200,000 documents and 20,000 files leave 5×, 2× and 35× that.
 */
export const DEFAULT_SYNC_LIMITS: SyncLimits = {
  maxFiles: 20_000,
  maxBytes: 128 * 2 ** 20,
  maxDocuments: 200_000,
};

/** The operation error's code for a sync over one of its limits. */
export const SYNC_TOO_LARGE = 'SYNC_TOO_LARGE';

const LIMITED: Record<keyof SyncLimits, { readonly what: string; readonly setting: string }> = {
  maxFiles: { what: 'YAML files', setting: 'FABRIC_SYNC_SYNC_MAX_FILES' },
  maxBytes: { what: 'bytes of YAML', setting: 'FABRIC_SYNC_SYNC_MAX_BYTES' },
  maxDocuments: { what: 'documents', setting: 'FABRIC_SYNC_SYNC_MAX_DOCUMENTS' },
};

/** One sync's running counts; the first count past its limit fails the operation. */
export class SyncBudget {
  private readonly used: Record<keyof SyncLimits, number> = { maxFiles: 0, maxBytes: 0, maxDocuments: 0 };

  constructor(
    private readonly limits: SyncLimits,
    private readonly directory: string,
  ) {}

  /** A file of the listing, before it is read. */
  addFile(bytes: number): void {
    this.add('maxFiles', 1);
    this.add('maxBytes', bytes);
  }

  addDocuments(count: number): void {
    this.add('maxDocuments', count);
  }

  private add(limit: keyof SyncLimits, amount: number): void {
    this.used[limit] += amount;
    const max = this.limits[limit];
    if (this.used[limit] <= max) return;
    const { what, setting } = LIMITED[limit];
    const message = `"${this.directory || '/'}" holds more than ${max} ${what}, the limit of one sync (${setting}); the database keeps the previous state`;
    throw new OperationFailure(message, [{ code: SYNC_TOO_LARGE, message }]);
  }
}
