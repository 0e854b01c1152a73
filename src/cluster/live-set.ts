/** A fabric's live objects of the 12 kinds, listed concurrently, indexed by kind/namespace/name. */
import { KINDS, formatRef, type ObjectRef } from '../domain/kinds.js';
import { FABRIC_NAMESPACE, type Manifest } from '../domain/manifest.js';
import type { ClusterClient } from './cluster-client.js';
import { isOwnedBy } from './ownership.js';
import { callScope } from './transport.js';

export const refOf = (m: Manifest): ObjectRef => ({
  kind: m.kind,
  namespace: m.metadata.namespace || FABRIC_NAMESPACE,
  name: m.metadata.name,
});

export class LiveSet {
  private readonly byRef = new Map<string, Manifest>();

  constructor(readonly objects: readonly Manifest[]) {
    for (const object of objects) this.byRef.set(formatRef(refOf(object)), object);
  }

  get(ref: ObjectRef): Manifest | undefined {
    return this.byRef.get(formatRef(ref));
  }

  /** Objects carrying this fabric's ownership labels: the only ones prune and ORPHANED may concern. */
  ownedBy(fabricName: string): Manifest[] {
    return this.objects.filter((o) => isOwnedBy(o, fabricName));
  }
}

/** Lists every kind at once; the first failure rejects, so an unreachable cluster fails fast. */
export async function listLiveSet(client: ClusterClient, caller?: AbortSignal): Promise<LiveSet> {
  const { signal, end } = callScope(caller); // one listener on the caller's signal, not one per kind
  try {
    return new LiveSet((await Promise.all(KINDS.map((k) => client.list(k.kind, { signal })))).flat());
  } finally {
    end();
  }
}
