/** Server-side apply: PATCH with application/apply-patch+yaml (contract §3.6). */
import { parse } from 'yaml';
import type { Backend } from './backend.js';
import type { ApiCall, Reply } from './call.js';
import { isDryRun } from './call.js';
import { requireNamespace } from './create.js';
import { mergeApplied, removePath } from './field-paths.js';
import { planApply } from './managed-fields.js';
import { nowTimestamp } from './object-rules.js';
import { persist } from './persist.js';
import { checkRv, subresourceOf } from './replace.js';
import { unknownFieldsOf } from './schema-step.js';
import { ApiError, badRequest, internalError, nameMismatch } from './status.js';
import type { KubeObject, ResourceType } from './types.js';
import { apiVersionOf, objectKey, typeKey } from './types.js';

function optionsInvalid(field: string, message: string): ApiError {
  return new ApiError(422, 'Invalid', `PatchOptions.meta.k8s.io "" is invalid: ${field}: ${message}`, {
    group: 'meta.k8s.io',
    kind: 'PatchOptions',
    causes: [
      { reason: message.startsWith('Required') ? 'FieldValueRequired' : 'FieldValueTooLong', message, field },
    ],
  });
}

/** Clients send the apply body as one JSON line (valid YAML); JSON.parse reads it ~20× faster than YAML. */
function parseBody(text: string): unknown {
  if (text.trimStart().startsWith('{')) {
    try {
      return JSON.parse(text);
    } catch {
      // not JSON after all: YAML decides, and words the error
    }
  }
  return parse(text);
}

function decodeApplied(call: ApiCall): KubeObject {
  let value: unknown;
  try {
    value = parseBody(call.body.toString('utf8'));
  } catch (err) {
    throw badRequest(`error decoding YAML: ${(err as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw badRequest('apply patch is not an object');
  return value as KubeObject;
}

function checkBody(t: ResourceType, call: ApiCall, body: KubeObject): void {
  if (body.apiVersion !== apiVersionOf(t)) {
    throw badRequest(
      `Incorrect version specified in apply patch. Specified patch version: ${body.apiVersion ?? ''}, expected: ${apiVersionOf(t)}`,
    );
  }
  if (body.metadata?.managedFields !== undefined) throw badRequest('metadata.managedFields must be nil');
  if (body.metadata?.name !== call.name) {
    throw nameMismatch(body.metadata?.name, call.name);
  }
  const unknown = unknownFieldsOf(t, body);
  if (unknown.length > 0) {
    const gvk = `${apiVersionOf(t)}, Kind=${t.kind}`;
    throw internalError(
      `failed to create typed patch object (${gvk}): ${unknown.map((f) => `.${f}: field not declared in schema`).join(', ')}`,
    );
  }
}

/** The part of the body a writer to the main resource (no status) or to /status (only status) applies. */
function appliedPart(body: KubeObject, subresource?: string): KubeObject {
  if (subresource !== 'status') {
    const { status: _ignored, ...rest } = body;
    return rest;
  }
  return {
    apiVersion: body.apiVersion,
    kind: body.kind,
    metadata: { name: body.metadata?.name },
    status: body['status'],
  };
}

export function applyPatch(b: Backend, call: ApiCall): Reply {
  const manager = call.query.get('fieldManager');
  if (!manager) throw optionsInvalid('fieldManager', 'Required value: is required for apply patch');
  if (manager.length > 128) throw optionsInvalid('fieldManager', 'Too long: may not be more than 128 bytes');
  const dryRun = isDryRun(call.query);
  const raw = decodeApplied(call);
  checkBody(call.type, call, raw);
  const body = appliedPart(
    call.type.namespaced ? { ...raw, metadata: { ...raw.metadata, namespace: call.namespace } } : raw,
    call.subresource,
  );
  const existing = b.store.get(typeKey(call.type), objectKey(call.namespace, call.name ?? ''));
  if (existing) checkRv(call, existing, body.metadata?.resourceVersion);
  else requireNamespace(b, call.namespace);
  const writer = {
    manager,
    apiVersion: apiVersionOf(call.type),
    now: nowTimestamp(),
    ...subresourceOf(call),
  };
  const force = call.query.get('force') === 'true';
  const merged = mergeApplied(existing ?? {}, body) as KubeObject;
  const plan = planApply(existing?.metadata?.managedFields ?? [], writer, existing, body, merged, force);
  for (const path of plan.released) removePath(merged, path, () => false);
  const next = { ...merged, metadata: { ...merged.metadata, managedFields: plan.entries } };
  const result = persist(b, {
    type: call.type,
    existing,
    next,
    ...subresourceOf(call),
    writer,
    ownership: 'preset',
    dryRun,
  });
  return { status: result.created ? 201 : 200, body: result.object };
}
