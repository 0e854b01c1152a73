/** POST on a collection (contract §3.3). */
import type { Backend } from './backend.js';
import type { ApiCall, Reply } from './call.js';
import { decodeObject, isDryRun, managerOf } from './call.js';
import { nowTimestamp, randomSuffix } from './object-rules.js';
import { persist } from './persist.js';
import { NAMESPACES } from './registry.js';
import { fieldValidationOf, pruneForWrite } from './schema-step.js';
import { badRequest, internalError, namespaceNotFound } from './status.js';
import type { KubeObject, ResourceType } from './types.js';
import { apiVersionOf, objectKey, typeKey } from './types.js';

export function checkApiVersion(t: ResourceType, o: KubeObject): void {
  if (o.apiVersion !== apiVersionOf(t)) {
    throw badRequest(
      `the API version in the data (${o.apiVersion ?? ''}) does not match the expected API version (${apiVersionOf(t)})`,
    );
  }
}

export function requireNamespace(b: Backend, namespace: string | undefined): void {
  if (namespace !== undefined && !b.store.get(typeKey(NAMESPACES), objectKey(undefined, namespace))) {
    throw namespaceNotFound(namespace);
  }
}

/** Fills the namespace from the URL; a different one in the body is a 400. */
function withUrlNamespace(call: ApiCall, o: KubeObject, mismatch: string): KubeObject {
  if (!call.type.namespaced) return o;
  const inBody = o.metadata?.namespace;
  if (inBody && inBody !== call.namespace) throw badRequest(mismatch);
  return { ...o, metadata: { ...o.metadata, namespace: call.namespace } };
}

export function create(b: Backend, call: ApiCall): Reply {
  let body = decodeObject(call);
  checkApiVersion(call.type, body);
  if (body.metadata?.resourceVersion)
    throw internalError('resourceVersion should not be set on objects to be created');
  body = withUrlNamespace(
    call,
    body,
    'the namespace of the provided object does not match the namespace sent on the request',
  );
  requireNamespace(b, call.namespace);
  const meta = body.metadata ?? {};
  if (!meta.name && meta.generateName)
    body = { ...body, metadata: { ...meta, name: `${meta.generateName}${randomSuffix()}` } };
  const { object, warnings } = pruneForWrite(call.type, body, fieldValidationOf(call.query));
  const next = call.type === NAMESPACES ? { ...object, status: { phase: 'Active' } } : object;
  const writer = { manager: managerOf(call), apiVersion: apiVersionOf(call.type), now: nowTimestamp() };
  const result = persist(b, {
    type: call.type,
    existing: undefined,
    next,
    writer,
    ownership: 'Update',
    dryRun: isDryRun(call.query),
  });
  return { status: 201, body: result.object, warnings };
}
