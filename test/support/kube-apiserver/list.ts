/** GET of a collection: selectors, limit/continue over consistent snapshots (contract §3.2). */
import type { Backend } from './backend.js';
import type { ApiCall, Reply } from './call.js';
import { parseSelectors } from './selectors.js';
import type { StatusCause } from './status.js';
import { ApiError, badRequest, expired, invalid } from './status.js';
import type { KubeObject } from './types.js';
import { apiVersionOf, typeKey } from './types.js';

interface ContinueToken {
  readonly rv: number;
  readonly start: string;
}

const TOO_OLD_CONTINUE =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.';
const TOO_OLD_LIST = 'The resourceVersion for the provided list is too old.';

function encodeToken(rv: number, lastKey: string): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv, start: `${lastKey}\u0000` })).toString(
    'base64url',
  );
}

function decodeToken(token: string): ContinueToken {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as {
      v?: string;
      rv?: number;
      start?: string;
    };
    if (parsed.v !== 'meta.k8s.io/v1' || typeof parsed.rv !== 'number' || typeof parsed.start !== 'string')
      throw new Error('bad fields');
    return { rv: parsed.rv, start: parsed.start.replace(/\u0000$/, '') };
  } catch (err) {
    throw badRequest(`invalid continue token: ${(err as Error).message}`);
  }
}

/** A resourceVersion query parameter; lists and watches reject a malformed one alike. */
export function parseRv(value: string): number {
  const rv = Number(value);
  if (!Number.isInteger(rv) || rv < 0) throw badRequest(`invalid resource version: ${value}`);
  return rv;
}

const MATCHES = ['Exact', 'NotOlderThan'];

/** apimachinery's ValidateListOptions for resourceVersionMatch: a 422 on ListOptions. */
function checkResourceVersionMatch(query: URLSearchParams): void {
  const match = query.get('resourceVersionMatch');
  if (!match) return;
  const rv = query.get('resourceVersion');
  const forbidden = (detail: string) => ({ reason: 'FieldValueForbidden', message: `Forbidden: ${detail}` });
  const causes: Omit<StatusCause, 'field'>[] = [];
  if (!rv) causes.push(forbidden('resourceVersionMatch is forbidden unless resourceVersion is provided'));
  if (query.get('continue'))
    causes.push(forbidden('resourceVersionMatch is forbidden when continue is provided'));
  if (!MATCHES.includes(match))
    causes.push({
      reason: 'FieldValueNotSupported',
      message: `Unsupported value: "${match}": supported values: "Exact", "NotOlderThan", ""`,
    });
  if (match === 'Exact' && rv === '0')
    causes.push(forbidden('resourceVersionMatch "exact" is forbidden for resourceVersion "0"'));
  if (causes.length === 0) return;
  const fielded = causes.map((c) => ({ ...c, field: 'resourceVersionMatch' }));
  throw invalid('ListOptions.meta.k8s.io', '', fielded, { group: 'meta.k8s.io', kind: 'ListOptions' });
}

/**
 * Which RV to read at, and where to start, from resourceVersion/continue/limit: Exact (or a limited
 * list without a match, the legacy rule) reads at that RV, NotOlderThan and unlimited lists read now.
 */
function readPoint(b: Backend, query: URLSearchParams, limited: boolean): { rv: number; after?: string } {
  checkResourceVersionMatch(query);
  const token = query.get('continue');
  const rvParam = query.get('resourceVersion');
  if (token) {
    if (rvParam && rvParam !== '0')
      throw badRequest('specifying resource version is not allowed when using continue');
    const decoded = decodeToken(token);
    if (b.store.isCompacted(decoded.rv)) throw expired(TOO_OLD_CONTINUE);
    return { rv: decoded.rv, after: decoded.start };
  }
  const current = b.store.currentRv;
  if (!rvParam || rvParam === '0') return { rv: current };
  const rv = parseRv(rvParam);
  if (rv > current) throw tooLargeRv(rv, current);
  const match = query.get('resourceVersionMatch');
  if (match === 'Exact' || (limited && !match)) {
    if (b.store.isCompacted(rv)) throw expired(TOO_OLD_LIST);
    return { rv };
  }
  return { rv: current };
}

/** A read at an RV the server has not reached (contract §3.2, §5.1): a restarted or restored store answers this. */
export const tooLargeRv = (rv: number, current: number) =>
  new ApiError(504, 'Timeout', `Too large resource version: ${rv}, current: ${current}`, {
    causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }],
    retryAfterSeconds: 1,
  });

export function list(b: Backend, call: ApiCall): Reply {
  const { query, type } = call;
  const matches = parseSelectors(query);
  const limit = query.has('limit') ? Number(query.get('limit')) : 0;
  const point = readPoint(b, query, limit > 0);
  const prefix = type.namespaced && call.namespace !== undefined ? `${call.namespace}/` : '';
  const entries = b.store
    .listAt(typeKey(type), point.rv, TOO_OLD_CONTINUE)
    .filter((e) => e.key.startsWith(prefix));
  const startIndex = point.after === undefined ? 0 : entries.findIndex((e) => e.key > point.after!);
  const items: KubeObject[] = [];
  let index = startIndex < 0 ? entries.length : startIndex;
  for (; index < entries.length && (limit <= 0 || items.length < limit); index += 1) {
    if (matches(entries[index]!.object)) items.push(entries[index]!.object);
  }
  const more = limit > 0 && index < entries.length;
  const unfiltered = !query.get('labelSelector') && !query.get('fieldSelector');
  const metadata = {
    resourceVersion: String(point.rv),
    ...(more ? { continue: encodeToken(point.rv, entries[index - 1]!.key) } : {}),
    ...(more && unfiltered ? { remainingItemCount: entries.length - index } : {}),
  };
  return { status: 200, body: { apiVersion: apiVersionOf(type), kind: type.listKind, metadata, items } };
}
