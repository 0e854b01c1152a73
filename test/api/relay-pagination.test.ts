/**
 * Relay cursor connections on every list: a list walked forward with first/after and backward with
 * last/before gives the same items, and PageInfo says at both ends which way there is more.
 */
import { describe, expect, it } from 'vitest';
import { dataOf } from '../support/app.js';
import { statementsOf } from './graph-fabric.js';
import {
  API_TOKENS,
  DIFFERENCES,
  DRIFT_REPORTS,
  OPERATIONS,
  RECORDS,
  useRelayFixture,
} from './relay-fixture.js';

const f = useRelayFixture();

interface PageInfo {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}
interface Connection {
  edges: { cursor: string; node: { key: string } }[];
  pageInfo: PageInfo;
}
interface Window {
  first?: number;
  after?: string | null;
  last?: number;
  before?: string | null;
}

/** A connection's selection: each node's key is its id (a Difference, which has none: its name). */
const connection = (key = 'id') =>
  `edges { cursor node { key: ${key} } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor }`;
const CONNECTION = connection();

/** Each list: the field with its page arguments spliced in, and how to reach the connection. */
const LISTS: Record<string, { query: (page: string) => string; at: string; size: number }> = {
  fabrics: { query: (p) => `fabrics(${p}) { ${CONNECTION} }`, at: 'fabrics', size: 7 },
  repositories: {
    query: (p) => `repositories(${p}) { ${CONNECTION} }`,
    at: 'repositories',
    size: 7,
  },
  records: {
    query: (p) => `records(fabricId: $a, ${p}) { ${CONNECTION} }`,
    at: 'records',
    size: RECORDS.length,
  },
  operations: {
    query: (p) => `operations(${p}) { ${CONNECTION} }`,
    at: 'operations',
    size: 2 * OPERATIONS,
  },
  driftReports: {
    query: (p) => `driftReports(fabricId: $a, ${p}) { ${CONNECTION} }`,
    at: 'driftReports',
    size: DRIFT_REPORTS,
  },
  apiTokens: { query: (p) => `apiTokens(${p}) { ${CONNECTION} }`, at: 'apiTokens', size: API_TOKENS },
  'Fabric.records': {
    query: (p) => `fabrics(first: 2) { nodes { records(${p}) { ${CONNECTION} } } }`,
    at: 'fabrics.nodes.0.records',
    size: RECORDS.length,
  },
  'Fabric.operations': {
    query: (p) => `fabrics(first: 2) { nodes { operations(${p}) { ${CONNECTION} } } }`,
    at: 'fabrics.nodes.0.operations',
    size: OPERATIONS,
  },
  'DriftReport.differences': {
    query: (p) =>
      `driftReports(fabricId: $a, first: 1) { nodes { differences(${p}) { ${connection('name')} } } }`,
    at: 'driftReports.nodes.0.differences',
    size: DIFFERENCES,
  },
};

async function page(list: string, window: Window): Promise<Connection> {
  const { query, at } = LISTS[list]!;
  const field = query(`first: $first, after: $after, last: $last, before: $before`);
  // A variable must be used: only lists of one fabric declare $a.
  const fabric = /\$a\b/.test(field) ? '$a: ID!, ' : '';
  const data = dataOf(
    await f.t.gql(`query(${fabric}$first: Int, $after: String, $last: Int, $before: String) { ${field} }`, {
      ...(fabric ? { a: f.fabrics['a'] } : {}),
      ...window,
    }),
  );
  return at
    .split('.')
    .reduce((value: unknown, step) => (value as Record<string, unknown>)[step], data) as Connection;
}

const keys = (c: Connection) => c.edges.map((e) => `${e.node.key}`);

describe.each(Object.keys(LISTS))('%s', (list) => {
  it('walks backward with last/before to the same items as forward with first/after', async () => {
    const forward: Connection[] = [];
    for (let after: string | null = null; ;) {
      const c = await page(list, { first: 2, after });
      forward.push(c);
      if (!c.pageInfo.hasNextPage) break;
      after = c.pageInfo.endCursor;
    }
    const backward: Connection[] = [];
    for (let before: string | null = null; ;) {
      const c = await page(list, { last: 2, before });
      backward.unshift(c);
      if (!c.pageInfo.hasPreviousPage) break;
      before = c.pageInfo.startCursor;
    }
    const forwardItems = forward.flatMap((c) => c.edges.map((e) => e.cursor));
    expect(forwardItems).toHaveLength(LISTS[list]!.size);
    expect(new Set(forwardItems).size).toBe(forwardItems.length);
    expect(backward.flatMap((c) => c.edges.map((e) => e.cursor))).toEqual(forwardItems);
    expect(backward.flatMap(keys)).toEqual(forward.flatMap(keys));
    // Each page's startCursor and endCursor are its first and last edge's.
    for (const c of [...forward, ...backward]) {
      expect(c.pageInfo.startCursor).toBe(c.edges[0]!.cursor);
      expect(c.pageInfo.endCursor).toBe(c.edges.at(-1)!.cursor);
    }
  });

  it('sets PageInfo at both ends (the far side only when a cursor was given)', async () => {
    const start = await page(list, { first: 2 });
    expect(start.pageInfo).toMatchObject({ hasPreviousPage: false, hasNextPage: true });
    const second = await page(list, { first: 2, after: start.pageInfo.endCursor });
    expect(second.pageInfo.hasPreviousPage).toBe(true);
    const end = await page(list, { last: 2 });
    expect(end.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: false });
    const beforeEnd = await page(list, { last: 2, before: end.pageInfo.startCursor });
    expect(beforeEnd.pageInfo.hasNextPage).toBe(true);
    const whole = await page(list, { last: 500 });
    expect(whole.pageInfo).toMatchObject({ hasPreviousPage: false, hasNextPage: false });
    expect(whole.edges).toHaveLength(LISTS[list]!.size);
    const fromFirst = await page(list, { last: 500, before: start.edges[1]!.cursor });
    expect(fromFirst.edges.map((e) => e.cursor)).toEqual([start.edges[0]!.cursor]);
    expect(fromFirst.pageInfo).toMatchObject({ hasPreviousPage: false, hasNextPage: true });
  });
});

describe('page arguments', () => {
  it('refuse first and last together, and a negative last', async () => {
    for (const window of [{ first: 2, last: 2 }, { last: -1 }]) {
      const result = await f.t.gql(
        `query($first: Int, $last: Int) { fabrics(first: $first, last: $last) { edges { cursor } } }`,
        window,
      );
      expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
  });

  it('refuse a garbled before cursor, naming it', async () => {
    const result = await f.t.gql(`{ fabrics(last: 2, before: "nope") { edges { cursor } } }`);
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'before' });
  });

  it('take after and before together as a range', async () => {
    const all = await page('operations', { first: 500 });
    const [, second, , , fifth] = all.edges.map((e) => e.cursor);
    const range = await page('operations', { first: 500, after: second, before: fifth });
    expect(range.edges.map((e) => e.cursor)).toEqual(all.edges.slice(2, 4).map((e) => e.cursor));
  });
});

describe('nested connections', () => {
  it('answer PageInfo of every fabric in one statement per argument set, whatever the number of fabrics', async () => {
    const start = await page('Fabric.records', { first: 2 });
    const query = `query($n: Int!, $after: String, $before: String) { fabrics(first: $n) { nodes {
      forward: records(first: 2, after: $after) { pageInfo { hasPreviousPage hasNextPage } }
      backward: records(last: 2, before: $before) { pageInfo { hasPreviousPage hasNextPage } }
    } } }`;
    const statements = (n: number) =>
      statementsOf(f.t, async () => {
        const { fabrics } = dataOf(
          await f.t.gql<{ fabrics: { nodes: Record<string, { pageInfo: PageInfo }>[] } }>(query, {
            n,
            after: start.pageInfo.startCursor,
            before: start.pageInfo.endCursor,
          }),
        );
        expect(fabrics.nodes).toHaveLength(n);
        // Fabric a has records on both sides of its cursors; fabric c has none.
        expect(fabrics.nodes[0]!['forward']!.pageInfo.hasPreviousPage).toBe(true);
        expect(fabrics.nodes[0]!['backward']!.pageInfo.hasNextPage).toBe(true);
        expect(fabrics.nodes[2]!['forward']!.pageInfo.hasPreviousPage).toBe(false);
      });
    expect(await statements(3)).toBe(await statements(7));
  });
});

describe('the query cost limit', () => {
  it('prices a backward page by its last, as a forward one by its first', async () => {
    const nested = (size: 'first' | 'last', n: number) =>
      `{ fabrics(${size}: ${n}) { nodes { records(${size}: ${n}) { nodes { id } } } } }`;
    for (const size of ['first', 'last'] as const) {
      expect((await f.t.gql(nested(size, 2))).errors).toBeUndefined();
      expect((await f.t.gql(nested(size, 500))).errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
    }
  });
});
