/** PUT of an object or its /status (contract §3.4, §3.8). */
import type { Backend } from './backend.js';
import type { ApiCall, Reply } from './call.js';
import { decodeObject, isDryRun, managerOf } from './call.js';
import { checkApiVersion } from './create.js';
import { nowTimestamp } from './object-rules.js';
import { persist } from './persist.js';
import { fieldValidationOf, pruneForWrite } from './schema-step.js';
import { badRequest, invalid, nameMismatch, notFound, staleConflict } from './status.js';
import type { KubeObject, ObjectMeta } from './types.js';
import { apiVersionOf, objectKey, qualifiedPlural, typeKey } from './types.js';

export function existingOf(b: Backend, call: ApiCall): KubeObject {
  const name = call.name ?? '';
  const found = b.store.get(typeKey(call.type), objectKey(call.namespace, name));
  if (!found) throw notFound(call.type, name);
  return found;
}

export function checkRv(call: ApiCall, existing: KubeObject, rv: string | undefined): void {
  if (rv && rv !== existing.metadata?.resourceVersion) throw staleConflict(call.type, call.name ?? '');
}

/** URL and body must name the same object, and the body must carry the RV it was read at. */
function checkIdentity(call: ApiCall, meta: ObjectMeta): void {
  const name = call.name ?? '';
  if (meta.name !== name) throw nameMismatch(meta.name, name);
  if (call.type.namespaced && meta.namespace && meta.namespace !== call.namespace) {
    throw badRequest(
      `the namespace of the object (${meta.namespace}) does not match the namespace on the request (${call.namespace})`,
    );
  }
  if (!meta.resourceVersion) {
    const cause = {
      reason: 'FieldValueInvalid',
      message: 'Invalid value: 0: must be specified for an update',
      field: 'metadata.resourceVersion',
    };
    throw invalid(qualifiedPlural(call.type), name, [cause], {
      name,
      group: call.type.group,
      kind: call.type.plural,
    });
  }
}

/** The writer of an Update operation: fieldManager or User-Agent, on the main resource or /status. */
const updateWriter = (call: ApiCall) => ({
  manager: managerOf(call),
  apiVersion: apiVersionOf(call.type),
  now: nowTimestamp(),
  ...subresourceOf(call),
});

export function replace(b: Backend, call: ApiCall): Reply {
  const body = decodeObject(call);
  checkApiVersion(call.type, body);
  const meta = body.metadata ?? {};
  const existing = existingOf(b, call);
  checkIdentity(call, meta);
  checkRv(call, existing, meta.resourceVersion);
  const withNs = call.type.namespaced ? { ...body, metadata: { ...meta, namespace: call.namespace } } : body;
  const { object, warnings } = pruneForWrite(call.type, withNs, fieldValidationOf(call.query));
  return { status: 200, body: persistUpdate(b, call, existing, object), warnings };
}

/** The tail of PUT and non-apply PATCH: an Update by the caller, ownership recorded from the stored entries. */
export function persistUpdate(
  b: Backend,
  call: ApiCall,
  existing: KubeObject,
  object: KubeObject,
): KubeObject {
  const next = {
    ...object,
    metadata: { ...object.metadata, managedFields: existing.metadata?.managedFields ?? [] },
  };
  return persist(b, {
    type: call.type,
    existing,
    next,
    ...subresourceOf(call),
    writer: updateWriter(call),
    ownership: 'Update',
    dryRun: isDryRun(call.query),
  }).object;
}

export const subresourceOf = (call: ApiCall) => (call.subresource ? { subresource: call.subresource } : {});
