/** Dispatches a resource request to its verb handler (contract §1, §3). */
import type { Response } from './https-listener.js';
import type { Backend } from './backend.js';
import type { ApiCall, Reply } from './call.js';
import { create } from './create.js';
import { cascadeDelete } from './crd-controller.js';
import { deleteObject } from './delete.js';
import { deleteCollection } from './delete-collection.js';
import { list } from './list.js';
import { patch } from './patch.js';
import { existingOf, replace } from './replace.js';
import { ApiError, methodNotAllowed, plainNotFound } from './status.js';
import type { WatchOptions } from './watch.js';
import { watch } from './watch.js';
import { typeKey } from './types.js';

/** The RBAC verb of a request, as 403 messages name it. */
export function verbOf(call: ApiCall): string {
  const watching = ['true', '1'].includes(call.query.get('watch') ?? '');
  const verbs: Record<string, string> = call.name
    ? { GET: 'get', PUT: 'update', PATCH: 'patch', DELETE: 'delete', POST: 'create' }
    : {
        GET: watching ? 'watch' : 'list',
        POST: 'create',
        DELETE: 'deletecollection',
        PUT: 'update',
        PATCH: 'patch',
      };
  return verbs[call.method] ?? call.method.toLowerCase();
}

const subresourceNotFound = () =>
  new ApiError(404, 'NotFound', 'the server could not find the requested resource', {});

function itemReply(b: Backend, call: ApiCall): Reply {
  if (call.subresource !== undefined) {
    if (call.subresource !== 'status' || !call.type.hasStatus) throw subresourceNotFound();
    if (!['GET', 'PUT', 'PATCH'].includes(call.method)) throw methodNotAllowed(verbOf(call), call.type);
  }
  switch (call.method) {
    case 'GET':
      return { status: 200, body: existingOf(b, call) };
    case 'PUT':
      return replace(b, call);
    case 'PATCH':
      return patch(b, call);
    case 'DELETE':
      return deleteObject(b, call, { onDeleted: (o) => cascadeDelete(b, typeKey(call.type), o) });
    default:
      throw methodNotAllowed(verbOf(call), call.type);
  }
}

/** Returns a reply, or undefined when a watch took over the response. */
export function handleResource(
  b: Backend,
  call: ApiCall,
  res: Response,
  watchOptions: WatchOptions,
): Reply | undefined {
  if (call.name !== undefined) return itemReply(b, call);
  const allNamespaces = call.type.namespaced && call.namespace === undefined;
  if (call.method === 'GET') {
    if (verbOf(call) === 'watch') {
      watch(b, call, res, watchOptions);
      return undefined;
    }
    return list(b, call);
  }
  if (call.method === 'POST' && !allNamespaces) return create(b, call);
  if (call.method === 'DELETE' && !allNamespaces)
    return deleteCollection(b, call, (o) => cascadeDelete(b, typeKey(call.type), o));
  if (allNamespaces) throw plainNotFound();
  throw methodNotAllowed(verbOf(call), call.type);
}
