/**
 * PERSIST: one transaction makes the fabric's records equal the directory (creates, updates,
 * deletes). The database compares a digest of each desired row with its own rows and returns
 * only what differs, so a one-file commit neither loads nor rewrites the fabric's other records.
 */
import { canonicalHash } from '../../domain/canonical.js';
import { FABRIC_NAMESPACE } from '../../domain/manifest.js';
import {
  planRecordChanges,
  recordKey,
  type DesiredRecord,
  type RecordPlan,
} from '../../domain/record-plan.js';
import { referencesOf } from '../../domain/references.js';
import type { SourcedManifest } from '../../domain/validation-types.js';
import { rowDigest, type ReferenceRow } from '../../store/record-store.js';
import { Pacer } from '../pacer.js';
import { required, type StageResult, throwIfCancelled } from '../stage.js';
import type { GitSyncContext } from './context.js';
import type { FileRecords, ParsedFile } from './parse-cache.js';

export async function persistRecords(ctx: GitSyncContext, signal: AbortSignal): Promise<StageResult> {
  const commit = required(ctx.commit, 'commit');
  const pacer = new Pacer();
  const files: FileRecords[] = [];
  // Hashing a cold fabric's objects takes long enough to pace, file by file.
  for (const file of required(ctx.files, 'files').values()) {
    files.push(recordsOf(file));
    await pacer.pause();
  }
  const { records } = ctx.deps;
  const digests = files.flatMap((f) => f.rows.map((row) => row.digest));
  const { differing, unmatched } = await records.differingRecords(ctx.op.fabricId, digests);
  const differingKeys = new Set(differing.map(recordKey));
  const unmatchedDigests = new Set(unmatched);
  const desired: DesiredRecord[] = [];
  const manifests = new Map<string, SourcedManifest['manifest']>();
  const kindCounts: Record<string, number> = {};
  let total = 0;
  for (const { rows } of files) {
    for (const { key, record, manifest, digest } of rows) {
      kindCounts[record.kind] = (kindCounts[record.kind] ?? 0) + 1;
      total += 1;
      if (!unmatchedDigests.has(digest) && !differingKeys.has(key)) continue;
      desired.push({ ...record, source: { ...record.source, commit } });
      manifests.set(key, manifest);
    }
  }
  // Planned over what differs only: every other desired row equals its record.
  const partial = planRecordChanges(differing, desired);
  const written = partial.creates.length + partial.updates.length + partial.moves.length;
  const plan: RecordPlan = { ...partial, unchanged: total - written, kindCounts };
  const references: ReferenceRow[] = [...plan.creates, ...plan.updates].flatMap((record) => {
    const sourceKey = recordKey(record);
    return referencesOf(manifests.get(sourceKey)!).map((ref) => ({
      sourceKey,
      edge: ref.edge,
      field: ref.field,
      targetKind: ref.targetKind,
      targetName: ref.targetName,
    }));
  });
  // Last safe point: once the transaction starts, it runs to its end.
  throwIfCancelled(signal);
  await records.write({ fabricId: ctx.op.fabricId, plan, references, commit, tree: ctx.tree ?? null });
  return {
    counts: {
      created: plan.creates.length,
      updated: plan.updates.length,
      /** Same content at a new file, line or document index. */
      moved: plan.moves.length,
      deleted: plan.deletes.length,
      unchanged: plan.unchanged,
    },
  };
}

/** The file's records, made once per blob and kept with its parse result. */
function recordsOf(file: ParsedFile): FileRecords {
  file.records ??= fileRecords(file.manifests);
  return file.records;
}

/** Canonical hashes by parsed object: a reparsed file keeps the objects of its unchanged documents. */
const hashes = new WeakMap<object, string>();

function hashOf(manifest: SourcedManifest['manifest']): string {
  let hash = hashes.get(manifest);
  if (hash === undefined) {
    hash = canonicalHash(manifest);
    hashes.set(manifest, hash);
  }
  return hash;
}

function fileRecords(manifests: readonly SourcedManifest[]): FileRecords {
  return {
    rows: manifests.map((item) => {
      const record = toDesired(item, hashOf(item.manifest));
      return { key: recordKey(record), record, manifest: item.manifest, digest: rowDigest(record) };
    }),
  };
}

/** The record as desired, its source commit still unset (added when the row is written). */
export function toDesired({ manifest, source }: SourcedManifest, hash: string): DesiredRecord {
  return {
    kind: manifest.kind,
    namespace: manifest.metadata.namespace || FABRIC_NAMESPACE,
    name: manifest.metadata.name,
    labels: manifest.metadata.labels ?? {},
    annotations: manifest.metadata.annotations ?? {},
    spec: manifest.spec ?? {},
    canonicalHash: hash,
    source: { file: source.file, documentIndex: source.documentIndex, line: source.line, commit: '' },
  };
}
