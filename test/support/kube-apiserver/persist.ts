/**
 * The shared tail of every write (create, replace, patch, apply): status handling, server-owned
 * metadata, admission, ownership, validation, no-op detection, dry-run and storage.
 */
import type { Backend } from './backend.js';
import { sameValue } from './field-paths.js';
import { recordUpdate } from './managed-fields.js';
import type { Writer } from './managed-fields.js';
import {
  carryOver,
  kindCauses,
  nameCauses,
  stampCreate,
  updateCauses,
  withGeneration,
} from './object-rules.js';
import { normalizeShape, schemaCauses } from './schema-step.js';
import { crdNameCauses } from './crd-controller.js';
import { CRDS } from './registry.js';
import { alreadyExists, invalidObject } from './status.js';
import type { KubeObject, ManagedFieldsEntry, ResourceType } from './types.js';
import { typeKey } from './types.js';

export interface WriteRequest {
  readonly type: ResourceType;
  readonly existing: KubeObject | undefined;
  readonly next: KubeObject;
  readonly subresource?: string;
  readonly writer: Writer;
  /** 'preset': the caller (apply) already computed metadata.managedFields. */
  readonly ownership: 'Update' | 'preset';
  readonly dryRun: boolean;
}

export interface WriteResult {
  readonly object: KubeObject;
  readonly created: boolean;
}

function shape(
  t: ResourceType,
  existing: KubeObject | undefined,
  next: KubeObject,
  subresource?: string,
): KubeObject {
  if (subresource === 'status' && existing) {
    const meta = {
      ...existing.metadata,
      managedFields: next.metadata?.managedFields ?? existing.metadata?.managedFields,
    };
    return { ...existing, metadata: meta, status: next['status'] };
  }
  if (!t.hasStatus) return next;
  const { status: _ignored, ...rest } = next;
  return existing?.['status'] !== undefined ? { ...rest, status: existing['status'] } : rest;
}

const untimed = (entries: readonly ManagedFieldsEntry[] | undefined) =>
  entries?.map(({ time: _t, ...e }) => e);

/** Equal apart from resourceVersion and managedFields timestamps: a write that stores nothing. */
function isNoop(existing: KubeObject, next: KubeObject): boolean {
  const { metadata: before = {}, ...restBefore } = existing;
  const { metadata: after = {}, ...restAfter } = next;
  const { resourceVersion: _rb, managedFields: fieldsBefore, ...metaBefore } = before;
  const { resourceVersion: _ra, managedFields: fieldsAfter, ...metaAfter } = after;
  return (
    sameValue(restBefore, restAfter) &&
    sameValue(metaBefore, metaAfter) &&
    sameValue(untimed(fieldsBefore), untimed(fieldsAfter))
  );
}

function admit(b: Backend, w: WriteRequest, object: KubeObject): KubeObject {
  if (w.subresource) return object;
  const request = {
    operation: w.existing ? ('UPDATE' as const) : ('CREATE' as const),
    kind: w.type.kind,
    object,
    ...(w.existing ? { oldObject: w.existing } : {}),
    dryRun: w.dryRun,
  };
  const mutated = b.admission.mutate(request);
  return mutated === object ? object : normalizeShape(w.type, mutated);
}

export function persist(b: Backend, w: WriteRequest): WriteResult {
  const { type, existing } = w;
  const shaped = shape(type, existing, w.next, w.subresource);
  const stamped = existing ? carryOver(existing, shaped) : stampCreate(shaped);
  const admitted = admit(b, w, normalizeShape(type, stamped));
  let object = existing ? withGeneration(existing, admitted) : admitted;
  if (w.ownership === 'Update') {
    const managedFields = recordUpdate(existing?.metadata?.managedFields ?? [], w.writer, existing, object);
    object = { ...object, metadata: { ...object.metadata, managedFields } };
  }
  const causes = [
    ...kindCauses(type, object),
    ...nameCauses(type, object),
    ...(existing ? updateCauses(existing, object) : []),
  ];
  causes.push(...schemaCauses(type, object), ...(type === CRDS ? crdNameCauses(object) : []));
  if (causes.length > 0) throw invalidObject(type, object.metadata?.name ?? '', causes);
  if (!w.subresource) {
    const operation = existing ? ('UPDATE' as const) : ('CREATE' as const);
    b.admission.validate({
      operation,
      kind: type.kind,
      object,
      ...(existing ? { oldObject: existing } : {}),
      dryRun: w.dryRun,
    });
  }
  const key = b.store.keyOf(object);
  if (!existing && b.store.get(typeKey(type), key)) throw alreadyExists(type, object.metadata?.name ?? '');
  if (existing && isNoop(existing, object)) return { object: existing, created: false };
  if (w.dryRun) return { object: withoutRv(object, existing), created: !existing };
  const finished = existing?.metadata?.deletionTimestamp && (object.metadata?.finalizers ?? []).length === 0;
  if (finished) {
    b.store.write(typeKey(type), key, undefined);
    return { object, created: false };
  }
  return { object: b.store.write(typeKey(type), key, object), created: !existing };
}

/** A dry-run result carries the stored RV (or none when it would be created). */
function withoutRv(object: KubeObject, existing: KubeObject | undefined): KubeObject {
  const { resourceVersion: _rv, ...meta } = object.metadata ?? {};
  const rv = existing?.metadata?.resourceVersion;
  return { ...object, metadata: rv ? { ...meta, resourceVersion: rv } : meta };
}
