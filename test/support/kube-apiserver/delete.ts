/** DELETE with finalizers, propagation policies and preconditions (contract §3.7). */
import type { Backend } from './backend.js';
import type { ApiCall, Reply } from './call.js';
import { decodeJson, isDryRun } from './call.js';
import { nowTimestamp } from './object-rules.js';
import { existingOf } from './replace.js';
import { ApiError, badRequest } from './status.js';
import type { KubeObject } from './types.js';
import { qualifiedPlural, typeKey } from './types.js';

interface DeleteOptions {
  propagationPolicy?: string;
  dryRun?: string[];
  preconditions?: { uid?: string; resourceVersion?: string };
}

const POLICY_FINALIZER: Record<string, string | undefined> = {
  Foreground: 'foregroundDeletion',
  Orphan: 'orphan',
  Background: undefined,
};

function optionsOf(call: ApiCall): DeleteOptions {
  const fromBody = call.body.length > 0 ? (decodeJson(call) as DeleteOptions | null) : null;
  const policy = call.query.get('propagationPolicy') ?? fromBody?.propagationPolicy ?? 'Background';
  if (!(policy in POLICY_FINALIZER)) throw badRequest(`unsupported propagationPolicy: ${policy}`);
  if (fromBody?.dryRun !== undefined && !Array.isArray(fromBody.dryRun))
    throw badRequest('DeleteOptions.dryRun must be a list of strings');
  return {
    propagationPolicy: policy,
    ...(fromBody?.dryRun ? { dryRun: fromBody.dryRun } : {}),
    ...(fromBody?.preconditions ? { preconditions: fromBody.preconditions } : {}),
  };
}

function checkPreconditions(call: ApiCall, existing: KubeObject, pre: DeleteOptions['preconditions']): void {
  const meta = existing.metadata ?? {};
  const where = `Operation cannot be fulfilled on ${qualifiedPlural(call.type)} "${call.name ?? ''}"`;
  const details = { name: call.name ?? '', group: call.type.group, kind: call.type.plural };
  if (pre?.uid && pre.uid !== meta.uid) {
    throw new ApiError(
      409,
      'Conflict',
      `${where}: Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${meta.uid}`,
      details,
    );
  }
  if (pre?.resourceVersion && pre.resourceVersion !== meta.resourceVersion) {
    const text = `the ResourceVersion in the precondition (${pre.resourceVersion}) does not match the ResourceVersion in record (${meta.resourceVersion}). The object might have been modified`;
    throw new ApiError(409, 'Conflict', `${where}: ${text}`, details);
  }
}

function successStatus(call: ApiCall, existing: KubeObject): Reply {
  const details = {
    name: call.name ?? '',
    group: call.type.group,
    kind: call.type.plural,
    uid: existing.metadata?.uid,
  };
  return {
    status: 200,
    body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details },
  };
}

/** Removes the object now, or marks it terminating while finalizers remain. */
export function deleteObject(
  b: Backend,
  call: ApiCall,
  { onDeleted }: { onDeleted?: (o: KubeObject) => void } = {},
): Reply {
  const existing = existingOf(b, call);
  const options = optionsOf(call);
  checkPreconditions(call, existing, options.preconditions);
  const dryRun = isDryRun(call.query, options.dryRun);
  b.admission.validate({
    operation: 'DELETE',
    kind: call.type.kind,
    object: existing,
    oldObject: existing,
    dryRun,
  });
  const meta = existing.metadata ?? {};
  if (meta.deletionTimestamp) return { status: 200, body: existing };
  const extra = POLICY_FINALIZER[options.propagationPolicy ?? 'Background'];
  const finalizers = [
    ...(meta.finalizers ?? []),
    ...(extra && !meta.finalizers?.includes(extra) ? [extra] : []),
  ];
  const key = b.store.keyOf(existing);
  if (finalizers.length === 0) {
    if (!dryRun) {
      onDeleted?.(existing);
      b.store.write(typeKey(call.type), key, undefined);
    }
    return successStatus(call, existing);
  }
  const terminating: KubeObject = {
    ...existing,
    metadata: {
      ...meta,
      finalizers,
      deletionTimestamp: nowTimestamp(),
      deletionGracePeriodSeconds: 0,
      generation: (meta.generation ?? 1) + 1,
    },
  };
  return { status: 200, body: dryRun ? terminating : b.store.write(typeKey(call.type), key, terminating) };
}
