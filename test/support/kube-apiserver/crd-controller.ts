/**
 * What apiextensions-apiserver and the namespace controller do around the stored objects: a new
 * CRD starts serving its kind and becomes Established; deleting a CRD or a namespace deletes
 * what lives in it.
 */
import type { Backend } from './backend.js';
import { nowTimestamp } from './object-rules.js';
import { CRDS, NAMESPACES, resourceTypeOf } from './registry.js';
import type { StatusCause } from './status.js';
import type { StoreEvent } from './store.js';
import type { KubeObject } from './types.js';
import { typeKey } from './types.js';

const CRD_KEY = typeKey(CRDS);

function establishedStatus(crd: KubeObject): Record<string, unknown> {
  const t = resourceTypeOf(crd);
  const now = nowTimestamp();
  const condition = (type: string, reason: string, message: string) => ({
    type,
    status: 'True',
    lastTransitionTime: now,
    reason,
    message,
  });
  return {
    acceptedNames: {
      kind: t.kind,
      listKind: t.listKind,
      plural: t.plural,
      singular: t.singular,
      shortNames: t.shortNames,
      categories: t.categories,
    },
    conditions: [
      condition('NamesAccepted', 'NoConflicts', 'no conflicts found'),
      condition('Established', 'InitialNamesAccepted', 'the initial names have been accepted'),
    ],
    storedVersions: [t.version],
  };
}

const isEstablished = (crd: KubeObject) =>
  ((crd['status'] as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? []).some(
    (c) => c.type === 'Established' && c.status === 'True',
  );

/** Keeps the registry in step with stored CRDs; returns the unsubscribe function. */
export function startCrdController(b: Backend): () => void {
  return b.store.subscribe((event: StoreEvent) => {
    if (event.typeKey !== CRD_KEY) return;
    if (event.type === 'DELETED') {
      b.registry.remove(resourceTypeOf(event.object));
      return;
    }
    b.registry.add(resourceTypeOf(event.object));
    if (!isEstablished(event.object)) {
      queueMicrotask(() => {
        const current = b.store.get(CRD_KEY, event.key);
        if (current && !isEstablished(current))
          b.store.write(CRD_KEY, event.key, { ...current, status: establishedStatus(current) });
      });
    }
  });
}

/** The checks that keep a stored CRD servable: complete names, a version, name = plural.group. */
export function crdNameCauses(crd: KubeObject): StatusCause[] {
  const spec = crd['spec'] as
    { group?: string; names?: { plural?: string; kind?: string }; versions?: unknown[] } | undefined;
  const required = (field: string) => ({ reason: 'FieldValueRequired', message: 'Required value', field });
  if (!spec?.group) return [required('spec.group')];
  if (!spec.names?.plural || !spec.names.kind)
    return [required(spec.names?.plural ? 'spec.names.kind' : 'spec.names.plural')];
  if (!spec.versions?.length) return [required('spec.versions')];
  const expected = `${spec.names.plural}.${spec.group}`;
  if (crd.metadata?.name === expected) return [];
  return [
    {
      reason: 'FieldValueInvalid',
      message: `Invalid value: "${crd.metadata?.name ?? ''}": must be spec.names.plural+"."+spec.group`,
      field: 'metadata.name',
    },
  ];
}

/** Deletes what a CRD or namespace contains, before the container itself goes. */
export function cascadeDelete(b: Backend, typeKeyOfContainer: string, container: KubeObject): void {
  if (typeKeyOfContainer === CRD_KEY) {
    const key = typeKey(resourceTypeOf(container));
    for (const o of b.store.list(key)) b.store.write(key, b.store.keyOf(o), undefined);
  } else if (typeKeyOfContainer === typeKey(NAMESPACES)) {
    const ns = container.metadata?.name;
    for (const t of b.registry.custom().filter((c) => c.namespaced)) {
      const key = typeKey(t);
      for (const o of b.store.list(key))
        if (o.metadata?.namespace === ns) b.store.write(key, b.store.keyOf(o), undefined);
    }
  }
}
