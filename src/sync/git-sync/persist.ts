/** PERSIST: one transaction makes the fabric's records equal the directory (creates, updates, deletes). */
import { canonicalHash } from '../../domain/canonical.js';
import { FABRIC_NAMESPACE } from '../../domain/manifest.js';
import { planRecordChanges, recordKey, type DesiredRecord } from '../../domain/record-plan.js';
import { referencesOf } from '../../domain/references.js';
import type { SourcedManifest } from '../../domain/validation-types.js';
import type { ReferenceRow } from '../../store/record-store.js';
import { throwIfCancelled, type StageResult } from '../stage.js';
import { required, type GitSyncContext } from './context.js';

export async function persistRecords(ctx: GitSyncContext, signal: AbortSignal): Promise<StageResult> {
  const commit = required(ctx.commit, 'commit');
  const desired = [...required(ctx.files, 'files').values()].flatMap((file) => {
    file.hashes ??= file.manifests.map(({ manifest }) => canonicalHash(manifest));
    const hashes = file.hashes;
    return file.manifests.map((m, i) => toDesired(m, hashes[i]!, commit));
  });
  const { records } = ctx.deps;
  const plan = planRecordChanges(await records.loadExisting(ctx.op.fabricId), desired);
  const changed = new Set([...plan.creates, ...plan.updates].map(recordKey));
  const references: ReferenceRow[] = required(ctx.manifests, 'manifests').flatMap(({ manifest }) => {
    const sourceKey = recordKey(toKey(manifest));
    return changed.has(sourceKey)
      ? referencesOf(manifest).map((ref) => ({
          sourceKey,
          edge: ref.edge,
          field: ref.field,
          targetKind: ref.targetKind,
          targetName: ref.targetName,
        }))
      : [];
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

const toKey = (m: SourcedManifest['manifest']) => ({
  kind: m.kind,
  namespace: m.metadata.namespace || FABRIC_NAMESPACE,
  name: m.metadata.name,
});

function toDesired({ manifest, source }: SourcedManifest, hash: string, commit: string): DesiredRecord {
  return {
    ...toKey(manifest),
    labels: manifest.metadata.labels ?? {},
    annotations: manifest.metadata.annotations ?? {},
    spec: manifest.spec ?? {},
    canonicalHash: hash,
    source: { file: source.file, documentIndex: source.documentIndex, line: source.line, commit },
  };
}
