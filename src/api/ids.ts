/**
 * Relay global ids: opaque base64url of `<Type>:<uuid>`, so a client can fetch any object by `node(id)`
 * and an id of one type is never mistaken for another.
 */
import { badInput } from '../domain/errors.js';
import { isUuid } from '../domain/input-rules.js';

export const NODE_TYPES = [
  'Fabric',
  'GitRepository',
  'Record',
  'Operation',
  'DriftReport',
  'ApiToken',
  'NotificationSink',
  // A switch or server as a topology node: the record's id under a type of its own, so a client
  // keying objects by id (Relay) never merges it with the record.
  'TopologyNode',
] as const;
export type NodeType = (typeof NODE_TYPES)[number];

/** How many ids one `nodes(ids)` takes. */
export const MAX_NODES = 100;

export const toGlobalId = (type: NodeType, id: string): string =>
  Buffer.from(`${type}:${id}`).toString('base64url');

export function parseGlobalId(globalId: string): { type: NodeType; id: string } | null {
  const [type, id, ...rest] = Buffer.from(globalId, 'base64url').toString('utf8').split(':');
  if (rest.length > 0 || !id || !isUuid(id) || !NODE_TYPES.includes(type as NodeType)) return null;
  return { type: type as NodeType, id };
}

/** The database id behind a global id of the expected type; a wrong or garbled id is the caller's mistake. */
export function fromGlobalId(globalId: string, expected: NodeType, field: string): string {
  const parsed = parseGlobalId(globalId);
  if (!parsed || parsed.type !== expected) throw badInput(field, `not a ${expected} id`);
  return parsed.id;
}
