/**
 * Turns the caller's changes into edits of object identities: checks the input, resolves record
 * ids to kind/namespace/name (the object is then found in Git by that identity) and builds the
 * objects to create. Pure apart from one query for the records.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { refOf } from '../../cluster/index.js';
import { badInput, notFound } from '../../domain/errors.js';
import { isUuid } from '../../domain/input-rules.js';
import { apiVersionOf, isKindName, kindInfo, type ObjectRef } from '../../domain/kinds.js';
import { isJsonObject, type JsonObject, type Manifest } from '../../domain/manifest.js';
import { ResourceRecord } from '../../store/entities/index.js';
import { adoptableManifest } from './live-object.js';
import type { ManifestTree } from './manifest-tree.js';
import type { ChangeAction, ManifestInput, RecordChange, RecordPatch } from './types.js';

export type PlannedChange =
  | { readonly action: 'CREATE' | 'ADOPT'; readonly ref: ObjectRef; readonly manifest: Manifest }
  | { readonly action: 'UPDATE'; readonly ref: ObjectRef; readonly patch: JsonObject }
  | { readonly action: 'DELETE'; readonly ref: ObjectRef };

export async function planChanges(
  em: EntityManager,
  fabricId: string,
  changes: readonly RecordChange[],
): Promise<PlannedChange[]> {
  if (changes.length === 0) throw badInput('changes', 'at least one change is needed');
  const records = await recordsById(em, fabricId, changes);
  return changes.map((change, i) => {
    const field = `changes[${i}]`;
    switch (change.action) {
      case 'CREATE': {
        const manifest = manifestFrom(change.manifest, `${field}.manifest`);
        return { action: 'CREATE', ref: refOf(manifest), manifest };
      }
      case 'ADOPT':
        return { action: 'ADOPT', ...adopted(change, field) };
      case 'UPDATE':
        return { action: 'UPDATE', ref: records(change.recordId), patch: patchOf(change.patch, field) };
      case 'DELETE':
        return { action: 'DELETE', ref: records(change.recordId) };
    }
  });
}

export function applyPlanned(tree: ManifestTree, change: PlannedChange): void {
  if (change.action === 'UPDATE') tree.update(change.ref, change.patch);
  else if (change.action === 'DELETE') tree.delete(change.ref);
  else tree.create(change.manifest);
}

/** "update VPC vpc-1": one line of a commit message. */
export const describeChange = ({ action, ref }: { action: ChangeAction; ref: ObjectRef }): string =>
  `${action.toLowerCase()} ${ref.kind} ${ref.name}`;

async function recordsById(
  em: EntityManager,
  fabricId: string,
  changes: readonly RecordChange[],
): Promise<(id: string) => ObjectRef> {
  const ids = changes.flatMap((c) => ('recordId' in c ? [c.recordId] : []));
  const valid = ids.filter(isUuid);
  const found = valid.length
    ? await em.find(
        ResourceRecord,
        { id: { $in: valid }, fabric: fabricId },
        { fields: ['kind', 'namespace', 'name'] },
      )
    : [];
  const byId = new Map(found.map((r) => [r.id, { kind: r.kind, namespace: r.namespace, name: r.name }]));
  return (id) => {
    const ref = byId.get(id);
    if (!ref) throw notFound('record', id);
    return ref;
  };
}

function managedKind(kind: unknown, field: string): string {
  if (typeof kind !== 'string' || !isKindName(kind)) {
    throw badInput(field, `"${String(kind)}" is not a kind fabric-sync manages`);
  }
  return kind;
}

function manifestFrom(input: ManifestInput, field: string): Manifest {
  const kind = managedKind(input.kind, `${field}.kind`);
  if (typeof input.name !== 'string' || input.name === '')
    throw badInput(`${field}.name`, 'a name is needed');
  if (!isJsonObject(input.spec)) throw badInput(`${field}.spec`, 'must be an object');
  const { name, namespace, labels, annotations, spec } = input;
  return {
    apiVersion: apiVersionOf(kindInfo(kind)),
    kind,
    metadata: {
      name,
      ...(namespace ? { namespace } : {}),
      ...(labels && Object.keys(labels).length ? { labels: { ...labels } } : {}),
      ...(annotations && Object.keys(annotations).length ? { annotations: { ...annotations } } : {}),
    },
    spec,
  };
}

function adopted(change: Extract<RecordChange, { action: 'ADOPT' }>, field: string) {
  const kind = managedKind(change.kind, `${field}.kind`);
  const manifest = adoptableManifest(change.live, `${field}.live`);
  if (manifest.kind !== kind || manifest.metadata.name !== change.name) {
    throw badInput(
      `${field}.live`,
      `is ${manifest.kind}/${manifest.metadata.name}, not ${kind}/${change.name}`,
    );
  }
  return { ref: refOf(manifest), manifest };
}

/** One merge patch over the whole object, so labels, annotations and spec follow the same rules. */
function patchOf({ labels, annotations, spec }: RecordPatch, field: string): JsonObject {
  if (spec !== undefined && !isJsonObject(spec)) throw badInput(`${field}.patch.spec`, 'must be an object');
  for (const [name, value] of [
    ['labels', labels],
    ['annotations', annotations],
  ] as const) {
    if (value !== undefined && value !== null && !isJsonObject(value)) {
      throw badInput(`${field}.patch.${name}`, 'must be an object or null');
    }
  }
  const metadata: JsonObject = {
    ...(labels !== undefined ? { labels: labels } : {}),
    ...(annotations !== undefined ? { annotations: annotations } : {}),
  };
  const patch: JsonObject = {
    ...(Object.keys(metadata).length ? { metadata } : {}),
    ...(spec !== undefined ? { spec } : {}),
  };
  if (Object.keys(patch).length === 0) throw badInput(`${field}.patch`, 'changes nothing');
  return patch;
}
