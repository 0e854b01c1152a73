/**
 * Relay's object identification: `nodes(ids)` answers in order, null for what is unknown or
 * unreadable, batched one statement per type; every type with an id is a Node with ids of its own,
 * TopologyNode included.
 */
import { describe, expect, it } from 'vitest';
import { dataOf } from '../support/app.js';
import { statementsOf } from './graph-fabric.js';
import { useRelayFixture } from './relay-fixture.js';

const f = useRelayFixture();

const idsOf = async (field: string, fabric: string): Promise<string[]> =>
  dataOf(
    await f.t.gql<Record<string, { nodes: { id: string }[] }>>(
      `query($f: ID!) { list: ${field}(fabricId: $f, first: 500) { nodes { id } } }`,
      { f: f.fabrics[fabric] },
    ),
  )['list']!.nodes.map((n) => n.id);

const NODES = `query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }`;

describe('nodes(ids)', () => {
  it('answers every type in order, null for unknown, garbled and unreadable ids', async () => {
    const [record] = await idsOf('records', 'a');
    const [operation] = await idsOf('operations', 'a');
    const [report] = await idsOf('driftReports', 'a');
    const [recordOfB] = await idsOf('records', 'b');
    const { fabric } = dataOf(
      await f.t.gql<{ fabric: { repository: { id: string } } }>(
        `query($f: ID!) { fabric(id: $f) { repository { id } } }`,
        { f: f.fabrics['a'] },
      ),
    );
    const topologyNodeOf = async (fabricId: string) =>
      dataOf(
        await f.t.gql<{ topology: { nodes: { id: string }[] } }>(
          `query($f: ID!) { topology(fabricId: $f) { nodes { id } } }`,
          { f: fabricId },
        ),
      ).topology.nodes[0]!.id;
    const { apiTokens } = dataOf(
      await f.t.gql<{ apiTokens: { nodes: { id: string }[] } }>(`{ apiTokens(first: 1) { nodes { id } } }`),
    );
    const unknown = Buffer.from('Fabric:00000000-0000-4000-8000-000000000000').toString('base64url');
    const ids = [
      record!,
      'garbled',
      f.fabrics['a']!,
      unknown,
      operation!,
      fabric.repository.id,
      report!,
      await topologyNodeOf(f.fabrics['a']!),
      // Hidden from the reader of fabric a: tokens (ADMIN only) and fabric b's objects.
      apiTokens.nodes[0]!.id,
      f.fabrics['b']!,
      recordOfB!,
      await topologyNodeOf(f.fabrics['b']!),
    ];
    const asAdmin = dataOf(await f.t.gql<{ nodes: ({ id: string } | null)[] }>(NODES, { ids }));
    expect(asAdmin.nodes.map((n) => n?.id ?? null)).toEqual(
      ids.map((id) => (id === 'garbled' || id === unknown ? null : id)),
    );
    const asReaderOfA = dataOf(
      await f.t.gql<{ nodes: ({ id: string } | null)[] }>(NODES, { ids }, f.readerOfA),
    );
    expect(asReaderOfA.nodes.map((n) => n?.id ?? null)).toEqual([
      ...asAdmin.nodes.slice(0, 8).map((n) => n?.id ?? null),
      ...[null, null, null, null],
    ]);
  });

  it('loads one statement per type, whatever the number of ids', async () => {
    const records = await idsOf('records', 'a');
    const operations = await idsOf('operations', 'a');
    const cost = (n: number) =>
      statementsOf(f.t, async () => {
        const ids = [...records.slice(0, n), ...operations.slice(0, n)];
        const { nodes } = dataOf(await f.t.gql<{ nodes: unknown[] }>(NODES, { ids }));
        expect(nodes.filter(Boolean)).toHaveLength(ids.length);
      });
    expect(await cost(1)).toBe(2);
    expect(await cost(7)).toBe(2);
  });

  it('is priced as the 100 objects it may answer by the query cost limit', async () => {
    const query = `query($ids: [ID!]!) { nodes(ids: $ids) { ... on Fabric { records(first: 500) { nodes { id } } } } }`;
    const result = await f.t.gql(query, { ids: [f.fabrics['a']] });
    expect(result.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
    const small = `query($ids: [ID!]!) { nodes(ids: $ids) { ... on Fabric { records(first: 50) { nodes { id } } } } }`;
    expect((await f.t.gql(small, { ids: [f.fabrics['a']] })).errors).toBeUndefined();
  });

  it('refuses more than 100 ids', async () => {
    const ids = Array.from({ length: 101 }, () => f.fabrics['a']!);
    const result = await f.t.gql(NODES, { ids });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'ids' });
  });
});

describe('TopologyNode', () => {
  const TOPOLOGY = `query($f: ID!) { topology(fabricId: $f) {
    nodes { id kind name } links { source target } vpcMemberships { nodes } } }`;
  type Topology = { topology: { nodes: { id: string; kind: string; name: string }[] } };

  it('has an id of its own, which node(id) resolves, and records keep theirs', async () => {
    const { topology } = dataOf(await f.t.gql<Topology>(TOPOLOGY, { f: f.fabrics['a'] }));
    const leaf = topology.nodes.find((n) => n.name === 'leaf-1')!;
    const { records } = dataOf(
      await f.t.gql<{ records: { nodes: { id: string }[] } }>(
        `query($f: ID!) { records(fabricId: $f, kind: Switch, filter: { name: "leaf-1" }) { nodes { id } } }`,
        { f: f.fabrics['a'] },
      ),
    );
    expect(leaf.id).not.toBe(records.nodes[0]!.id);
    const { node } = dataOf(
      await f.t.gql<{ node: unknown }>(
        `query($id: ID!) { node(id: $id) { __typename id ... on TopologyNode { kind name role } } }`,
        { id: leaf.id },
      ),
    );
    expect(node).toEqual({
      __typename: 'TopologyNode',
      id: leaf.id,
      kind: 'Switch',
      name: 'leaf-1',
      role: 'server-leaf',
    });
    const readable = await f.t.gql<{ node: unknown }>(
      `query($id: ID!) { node(id: $id) { id } }`,
      { id: leaf.id },
      f.readerOfA,
    );
    expect(readable.data?.node).not.toBeNull();
    const ofB = dataOf(await f.t.gql<Topology>(TOPOLOGY, { f: f.fabrics['b'] })).topology.nodes[0]!;
    const hidden = await f.t.gql<{ node: unknown }>(
      `query($id: ID!) { node(id: $id) { id } }`,
      { id: ofB.id },
      f.readerOfA,
    );
    expect(hidden.data?.node).toBeNull();
  });

  it('a record id is not a TopologyNode: node() answers the record', async () => {
    const [switchId] = await idsOf('records', 'a');
    const { node } = dataOf(
      await f.t.gql<{ node: { __typename: string } }>(`query($id: ID!) { node(id: $id) { __typename } }`, {
        id: switchId,
      }),
    );
    expect(node.__typename).not.toBe('TopologyNode');
  });
});
