/**
 * Cursor pagination by keyset (the Relay connection spec): a cursor holds the sort key of a row, so
 * pages stay correct while rows are inserted, and every page is one indexed query. `last`/`before`
 * read the same index from the other end (the order reversed in SQL), and the page is handed back
 * in list order.
 */
import { badInput } from '../domain/errors.js';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

export interface PageArgs {
  readonly first?: number | null;
  readonly after?: string | null;
  readonly last?: number | null;
  readonly before?: string | null;
}

export type CursorKey = readonly (string | number)[];

/** What one page reads: how many rows, from which end of the list, between which cursors. */
export interface PageWindow {
  readonly limit: number;
  /** `last`: read from the end of the list towards its start. */
  readonly backward: boolean;
  readonly after: CursorKey | null;
  readonly before: CursorKey | null;
}

function pageSize(value: number | null | undefined, field: 'first' | 'last'): number {
  if (value === null || value === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(value) || value < 0 || value > MAX_PAGE_SIZE)
    throw badInput(field, `must be between 0 and ${MAX_PAGE_SIZE}`);
  return value;
}

/** The window of a list sorted by `arity` key columns; neither first nor last reads the first 50. */
export function pageWindow(args: PageArgs, arity: number): PageWindow {
  const has = (v: unknown) => v !== null && v !== undefined;
  if (has(args.first) && has(args.last)) throw badInput('last', 'cannot be combined with first');
  const backward = has(args.last);
  return {
    limit: backward ? pageSize(args.last, 'last') : pageSize(args.first, 'first'),
    backward,
    after: decodeCursor(args.after, arity, 'after'),
    before: decodeCursor(args.before, arity, 'before'),
  };
}

export const encodeCursor = (key: CursorKey): string =>
  Buffer.from(JSON.stringify(key)).toString('base64url');

function decodeCursor(cursor: string | null | undefined, arity: number, field: string): CursorKey | null {
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
  throw badInput(field, 'not a cursor returned by this API');
}

export type KeysetOperator = '<' | '<=' | '>' | '>=';

/**
 * The comparison of a row's key with a cursor that keeps the rows on one side of it, in a list
 * sorted ascending or descending; `inclusive` keeps the cursor's own key too.
 */
function keysetOperator(side: 'after' | 'before', descending: boolean, inclusive = false): KeysetOperator {
  const greater = (side === 'after') !== descending;
  return `${greater ? '>' : '<'}${inclusive ? '=' : ''}` as KeysetOperator;
}

/**
 * Each key condition a window puts on the rows: the range between its cursors, strict. The query
 * sorts by the key columns, reversed when `window.backward`, and reads `window.limit + 1` rows.
 */
export function rangeConditions(
  window: PageWindow,
  descending: boolean,
): { operator: KeysetOperator; key: CursorKey }[] {
  return [
    ...(window.after ? [{ operator: keysetOperator('after', descending), key: window.after }] : []),
    ...(window.before ? [{ operator: keysetOperator('before', descending), key: window.before }] : []),
  ];
}

/**
 * The cursor a page was read from (after for a forward page, before for a backward one) and the
 * comparison that finds rows beyond it, on the side the page did not read: whether there are any
 * is the far-side flag of PageInfo. Null when the page starts at an end of the list.
 */
export function beyondCondition(
  window: PageWindow,
  descending: boolean,
): { operator: KeysetOperator; key: CursorKey } | null {
  const key = window.backward ? window.before : window.after;
  if (!key) return null;
  return { operator: keysetOperator(window.backward ? 'after' : 'before', descending, true), key };
}

export interface PageInfo {
  readonly hasNextPage: boolean | Promise<boolean>;
  readonly hasPreviousPage: boolean | Promise<boolean>;
  readonly startCursor: string | null;
  readonly endCursor: string | null;
}

export interface Page<T = unknown> {
  readonly edges: { cursor: string; node: T }[];
  readonly nodes: T[];
  readonly pageInfo: PageInfo;
  /** A getter: the count query runs only when a client asks for totalCount. */
  readonly totalCount: Promise<number>;
}

export interface LazyPageFacts {
  readonly count: () => Promise<number>;
  /** Whether rows exist beyond the page's starting cursor (beyondCondition); asked only when there is one. */
  readonly beyond: () => Promise<boolean>;
}

/**
 * Rows read with `limit + 1` in the window's direction become a page in list order; the extra row
 * only says whether there is more that way. The other way's flag and the count are queried only
 * when a client asks for them.
 */
export function toPage<T>(
  rows: readonly T[],
  window: PageWindow,
  keyOf: (row: T) => CursorKey,
  facts: LazyPageFacts,
): Page<T> {
  const read = rows.slice(0, window.limit);
  const nodes = window.backward ? read.reverse() : read;
  const edges = nodes.map((node) => ({ cursor: encodeCursor(keyOf(node)), node }));
  const more = rows.length > window.limit;
  const fromCursor = Boolean(window.backward ? window.before : window.after);
  const beyond = () => (fromCursor ? facts.beyond() : false);
  return {
    edges,
    nodes,
    pageInfo: {
      get hasNextPage() {
        return window.backward ? beyond() : more;
      },
      get hasPreviousPage() {
        return window.backward ? more : beyond();
      },
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    get totalCount() {
      return facts.count();
    },
  };
}

const EMPTY_WINDOW: PageWindow = { limit: 0, backward: false, after: null, before: null };

export const emptyPage = <T>(): Page<T> =>
  toPage<T>([], EMPTY_WINDOW, () => [], { count: async () => 0, beyond: async () => false });
