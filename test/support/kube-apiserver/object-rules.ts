/** Metadata rules of contract §2: stamping on create, carry-over on update, generation, names. */
import { randomUUID } from 'node:crypto';
import type { StatusCause } from './status.js';
import type { KubeObject, ObjectMeta, ResourceType } from './types.js';
import { sameValue } from './field-paths.js';

const OBJECT_META_FIELDS = new Set([
  'name',
  'generateName',
  'namespace',
  'selfLink',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'labels',
  'annotations',
  'ownerReferences',
  'finalizers',
  'managedFields',
]);

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const SUBDOMAIN_TEXT =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_TEXT =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

/** Server time as RFC 3339 UTC with whole seconds. */
export const nowTimestamp = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Keeps only the ObjectMeta fields a real server knows (unknown metadata is pruned). */
export function pruneMetadata(o: KubeObject): KubeObject {
  const meta = Object.fromEntries(
    Object.entries(o.metadata ?? {}).filter(([k]) => OBJECT_META_FIELDS.has(k)),
  );
  return { ...o, metadata: meta };
}

/** Everything outside metadata and status: a change bumps generation. */
function specChanged(before: KubeObject, after: KubeObject): boolean {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  for (const k of ['apiVersion', 'kind', 'metadata', 'status']) keys.delete(k);
  return [...keys].some((k) => !sameValue(before[k], after[k]));
}

export function randomSuffix(): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  return Array.from({ length: 5 }, () => alphabet[Math.floor(Math.random() * alphabet.length)]).join('');
}

/** Server-owned metadata of a new object; client values are ignored. */
export function stampCreate(o: KubeObject): KubeObject {
  const {
    deletionTimestamp: _d,
    deletionGracePeriodSeconds: _g,
    resourceVersion: _r,
    ...meta
  } = o.metadata ?? {};
  return { ...o, metadata: { ...meta, uid: randomUUID(), creationTimestamp: nowTimestamp(), generation: 1 } };
}

/** Server-owned metadata an update cannot change comes from the stored object. */
export function carryOver(stored: KubeObject, next: KubeObject): KubeObject {
  const s = stored.metadata ?? {};
  const meta: ObjectMeta = {
    ...next.metadata,
    uid: next.metadata?.uid ?? s.uid,
    creationTimestamp: s.creationTimestamp,
  };
  delete meta.deletionTimestamp;
  delete meta.deletionGracePeriodSeconds;
  if (s.deletionTimestamp)
    Object.assign(meta, {
      deletionTimestamp: s.deletionTimestamp,
      deletionGracePeriodSeconds: s.deletionGracePeriodSeconds,
    });
  meta.generation = s.generation ?? 1;
  return { ...next, metadata: meta };
}

/** Generation +1 when the final object's spec (after admission) differs from the stored one. */
export function withGeneration(stored: KubeObject, next: KubeObject): KubeObject {
  const generation = (stored.metadata?.generation ?? 1) + (specChanged(stored, next) ? 1 : 0);
  return { ...next, metadata: { ...next.metadata, generation } };
}

export function nameCauses(t: ResourceType, o: KubeObject): StatusCause[] {
  const name = o.metadata?.name;
  if (!name)
    return [
      {
        reason: 'FieldValueRequired',
        message: 'Required value: name or generateName is required',
        field: 'metadata.name',
      },
    ];
  const [pattern, text, max] =
    t.namespaced || t.plural !== 'namespaces'
      ? [DNS1123_SUBDOMAIN, SUBDOMAIN_TEXT, 253]
      : [DNS1123_LABEL, LABEL_TEXT, 63];
  if (pattern.test(name) && name.length <= max) return [];
  return [
    { reason: 'FieldValueInvalid', message: `Invalid value: "${name}": ${text}`, field: 'metadata.name' },
  ];
}

export function kindCauses(t: ResourceType, o: KubeObject): StatusCause[] {
  if (o.kind === t.kind) return [];
  return [
    {
      reason: 'FieldValueInvalid',
      message: `Invalid value: "${o.kind ?? ''}": must be ${t.kind}`,
      field: 'kind',
    },
  ];
}

export function updateCauses(stored: KubeObject, next: KubeObject): StatusCause[] {
  const causes: StatusCause[] = [];
  if (next.metadata?.uid !== stored.metadata?.uid) {
    causes.push({
      reason: 'FieldValueInvalid',
      message: `Invalid value: "${next.metadata?.uid}": field is immutable`,
      field: 'metadata.uid',
    });
  }
  const before = new Set(stored.metadata?.finalizers ?? []);
  if (stored.metadata?.deletionTimestamp && (next.metadata?.finalizers ?? []).some((f) => !before.has(f))) {
    causes.push({
      reason: 'FieldValueForbidden',
      message: 'Forbidden: no new finalizers can be added if the object is being deleted',
      field: 'metadata.finalizers',
    });
  }
  return causes;
}
