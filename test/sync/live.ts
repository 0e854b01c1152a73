/** Reading the test cluster directly, as an operator with kubectl would. */
import { canonicalHash } from '../../src/domain/canonical.js';
import { KINDS, formatRef } from '../../src/domain/kinds.js';
import type { Manifest } from '../../src/domain/manifest.js';
import type { CustomObjectsApi } from '@kubernetes/client-node';

export const gvr = (kind: string) => {
  const info = KINDS.find((k) => k.kind === kind);
  if (!info) throw new Error(`unknown kind ${kind}`);
  return { group: info.group, version: info.version, namespace: 'default', plural: info.plural };
};

/** Every live object of the 12 kinds by formatRef. */
export async function liveObjects(api: CustomObjectsApi): Promise<Map<string, Manifest>> {
  const all = new Map<string, Manifest>();
  for (const { kind } of KINDS) {
    const list = (await api.listNamespacedCustomObject(gvr(kind))) as { items: Manifest[] };
    for (const item of list.items)
      all.set(
        formatRef({ kind, namespace: item.metadata.namespace ?? 'default', name: item.metadata.name }),
        item,
      );
  }
  return all;
}

export const liveHashes = async (api: CustomObjectsApi) =>
  new Map([...(await liveObjects(api))].map(([key, object]) => [key, canonicalHash(object)]));
