/** DELETE on a collection: deletes every object the selectors match, as single deletes would. */
import type { Backend } from './backend.js';
import type { ApiCall, Reply } from './call.js';
import { deleteObject } from './delete.js';
import { parseSelectors } from './selectors.js';
import type { KubeObject } from './types.js';
import { apiVersionOf, typeKey } from './types.js';

export function deleteCollection(b: Backend, call: ApiCall, onDeleted: (o: KubeObject) => void): Reply {
  const matches = parseSelectors(call.query);
  const targets = b.store
    .list(typeKey(call.type))
    .filter((o) => (call.namespace === undefined || o.metadata?.namespace === call.namespace) && matches(o));
  const items = targets.map((o) => {
    const reply = deleteObject(b, { ...call, name: o.metadata?.name ?? '' }, { onDeleted });
    const body = reply.body as KubeObject;
    return body.kind === 'Status' ? o : body;
  });
  const metadata = { resourceVersion: String(b.store.currentRv) };
  return {
    status: 200,
    body: { apiVersion: apiVersionOf(call.type), kind: call.type.listKind, metadata, items },
  };
}
