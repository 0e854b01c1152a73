/**
 * Cursor pagination by keyset: a cursor holds the sort key of the last row seen, so pages stay
 * correct while rows are inserted, and every page is one indexed query.
 */
import { badInput } from '../domain/errors.js';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

export function pageSize(first: number | null | undefined): number {
  if (first === null || first === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE)
    throw badInput('first', `must be between 0 and ${MAX_PAGE_SIZE}`);
  return first;
}

export type CursorKey = readonly (string | number)[];

export const encodeCursor = (key: CursorKey): string =>
  Buffer.from(JSON.stringify(key)).toString('base64url');

export function decodeCursor(cursor: string | null | undefined, arity: number): CursorKey | null {
  if (!cursor) return null;
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(key) &&
      key.length === arity &&
      key.every((k) => ['string', 'number'].includes(typeof k))
    )
      return key as CursorKey;
  } catch {
    // Falls through to the error below: a garbled cursor is bad input, whatever garbled it.
  }
  throw badInput('after', 'not a cursor returned by this API');
}

export interface Page<T = unknown> {
  readonly edges: { cursor: string; node: T }[];
  readonly nodes: T[];
  readonly pageInfo: { hasNextPage: boolean; endCursor: string | null };
  /** A getter: the count query runs only when a client asks for totalCount. */
  readonly totalCount: Promise<number>;
}

/** Rows fetched with `limit + 1` become a page; the extra row only says whether there is a next page. */
export function toPage<T>(
  rows: readonly T[],
  limit: number,
  keyOf: (row: T) => CursorKey,
  count: () => Promise<number>,
): Page<T> {
  const nodes = rows.slice(0, limit);
  const edges = nodes.map((node) => ({ cursor: encodeCursor(keyOf(node)), node }));
  return {
    edges,
    nodes,
    pageInfo: { hasNextPage: rows.length > limit, endCursor: edges.at(-1)?.cursor ?? null },
    get totalCount() {
      return count();
    },
  };
}

export const emptyPage = <T>(): Page<T> =>
  toPage<T>(
    [],
    0,
    () => [],
    async () => 0,
  );
