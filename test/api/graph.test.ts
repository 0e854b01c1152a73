/**
 * The fabric as a typed graph: reference edges both ways, resolved through DataLoaders from the
 * reverse-reference index, and the edge walk, topology and impact queries at a constant number of
 * statements as the fabric grows 10×.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Manifest } from '../../src/domain/manifest.js';
import { dataOf } from '../support/app.js';
import { generateFabric, shapeFor } from '../support/fixtures/index.js';
import {
  UNLIMITED_COST,
  recordId,
  statementsOf,
  syncedFabric as syncFabric,
  useGraphStack,
} from './graph-fabric.js';

const stack = useGraphStack(UNLIMITED_COST);

const syncedFabric = (name: string, manifests: readonly Manifest[]) =>
  syncFabric(stack.t, stack.git, name, manifests);

const WALK = `query($f: ID!) {
  records(fabricId: $f, kind: VPC, first: 500) {
    nodes { name ... on VPC {
      ipv4Namespace { name } vlanNamespace { name } peerings { name }
      attachments { name connection { name switches { name groups { name } } servers { name } } }
    } }
  }
}`;

type Walk = {
  records: {
    nodes: {
      name: string;
      ipv4Namespace: { name: string } | null;
      peerings: { name: string }[];
      attachments: {
        name: string;
        connection: { name: string; switches: { name: string }[]; servers: { name: string }[] } | null;
      }[];
    }[];
  };
};

describe('reference edges', () => {
  const small = generateFabric({ seed: 3 });
  let fabricId: string;
  beforeAll(async () => {
    fabricId = await syncedFabric('graph-small', small);
  });

  it('follows every attachment of every VPC to its connection, switches and servers', async () => {
    const data = dataOf(await stack.t.gql<Walk>(WALK, { f: fabricId }));
    const vpcs = small.filter((m) => m.kind === 'VPC');
    expect(data.records.nodes.map((n) => n.name).sort()).toEqual(vpcs.map((v) => v.metadata.name).sort());
    for (const vpc of data.records.nodes) {
      const expected = small.filter(
        (m) => m.kind === 'VPCAttachment' && (m.spec?.['subnet'] as string).startsWith(`${vpc.name}/`),
      );
      expect(vpc.attachments.map((a) => a.name).sort()).toEqual(expected.map((a) => a.metadata.name).sort());
      expect(vpc.ipv4Namespace?.name).toBe('default');
      for (const attachment of vpc.attachments) {
        const manifest = expected.find((a) => a.metadata.name === attachment.name)!;
        expect(attachment.connection?.name).toBe(manifest.spec?.['connection']);
        expect(attachment.connection!.switches.length).toBeGreaterThan(0);
        expect(attachment.connection!.servers.length).toBeGreaterThan(0);
      }
    }
  });

  it('walks the same edges backwards', async () => {
    const connection = small.find((m) => m.kind === 'VPCAttachment')!.spec!['connection'] as string;
    const data = dataOf(
      await stack.t.gql<{
        records: {
          nodes: {
            name: string;
            attachments: { name: string; vpc: { name: string } | null }[];
            switches: { name: string; connections: { name: string }[] }[];
          }[];
        };
      }>(
        `query($f: ID!, $n: String) { records(fabricId: $f, kind: Connection, filter: { name: $n }) { nodes { name ... on Connection { attachments { name vpc { name } } switches { name connections { name } } } } } }`,
        { f: fabricId, n: connection },
      ),
    );
    const [node] = data.records.nodes;
    const expected = small.filter((m) => m.kind === 'VPCAttachment' && m.spec?.['connection'] === connection);
    expect(node!.attachments.map((a) => a.name).sort()).toEqual(expected.map((a) => a.metadata.name).sort());
    for (const sw of node!.switches) expect(sw.connections.map((c) => c.name)).toContain(connection);
  });

  it('lists no dangling references for a fabric the sync accepted', async () => {
    const data = dataOf(
      await stack.t.gql<{ fabric: { danglingReferences: unknown[] } }>(
        `query($f: ID) { fabric(id: $f) { danglingReferences { kind name field targetKind targetName } } }`,
        { f: fabricId },
      ),
    );
    expect(data.fabric.danglingReferences).toEqual([]);
  });
});

const TOPOLOGY = `query($f: ID!) {
  topology(fabricId: $f) {
    nodes { id kind name role group }
    links { connection connectionType kind source target ports { sourcePort targetPort } }
    vpcMemberships { vpc subnet attachment connection nodes }
  }
}`;

const IMPACT = `query($id: ID!) {
  impact(recordId: $id, depth: 3) {
    impacted { depth record { id name } path { kind name relation edge } }
    deleteBlockers { record { name } reason }
  }
}`;

/**
 * One query per edge issue 11 adds, from every record that has it: one root list and one edge each,
 * so each hop is one batch for all records (several edges side by side may share batches or not,
 * depending on when their statements return).
 */
const DERIVED_WALKS = Object.fromEntries(
  (
    [
      ['Switch', 'attachments { name }'],
      ['Switch', 'servers { name }'],
      ['Switch', 'redundancyPeers { name }'],
      ['Server', 'attachments { name }'],
      ['Server', 'vpcs { name }'],
      ['VPCAttachment', 'subnet { name attachments { name } }'],
      ['VPCAttachment', 'switches { name }'],
      ['VPCAttachment', 'servers { name }'],
      ['VPC', 'servers { name }'],
      ['VPC', 'subnets { name attachments { name } }'],
      ['ExternalAttachment', 'switch { name }'],
      ['Connection', 'endpoints { switch { record { name } port } server { record { name } port } }'],
    ] as const
  ).map(([kind, edge]) => [
    `${kind}.${edge.split(' ')[0]}`,
    `query($f: ID!) { records(fabricId: $f, kind: ${kind}, first: 500) { nodes { ... on ${kind} { ${edge} } } } }`,
  ]),
);

describe('statement counts as the fabric grows 10×', () => {
  const smallFabric = generateFabric({ seed: 5 });
  const largeFabric = generateFabric(shapeFor(smallFabric.length * 10, 5));
  let small: string;
  let large: string;
  beforeAll(async () => {
    expect(largeFabric.length).toBeGreaterThanOrEqual(smallFabric.length * 9);
    small = await syncedFabric('graph-count-1', smallFabric);
    large = await syncedFabric('graph-count-10', largeFabric);
  });

  it('stay constant for the walk VPC → attachments → connection → switches', async () => {
    const vpcs: Record<string, number> = {};
    const count = (id: string) =>
      statementsOf(stack.t, async () => {
        vpcs[id] = dataOf(await stack.t.gql<Walk>(WALK, { f: id })).records.nodes.length;
      });
    const [one, ten] = [await count(small), await count(large)];
    expect(vpcs[large]).toBeGreaterThan(vpcs[small]! * 4);
    expect(ten).toBe(one);
  });

  it('stay constant for each derived edge, subnet and connection port edge', async () => {
    const answered: Record<string, number> = {};
    const count = async (id: string) => {
      const counts: Record<string, number> = {};
      for (const [edge, query] of Object.entries(DERIVED_WALKS))
        counts[edge] = await statementsOf(stack.t, async () => {
          const data = dataOf(await stack.t.gql<{ records: { nodes: unknown[] } }>(query, { f: id }));
          answered[id] = (answered[id] ?? 0) + JSON.stringify(data).length;
        });
      return counts;
    };
    const [one, ten] = [await count(small), await count(large)];
    expect(answered[large]).toBeGreaterThan(answered[small]! * 5);
    expect(ten).toEqual(one);
    // The fabric and the page; then per hop back one statement (references joined to their
    // records), per hop out one for the references and one for the records they name (when a
    // further hop out or the answer needs them).
    expect(one).toEqual({
      'Switch.attachments': 4,
      'Switch.servers': 5,
      'Switch.redundancyPeers': 4,
      'Server.attachments': 4,
      'Server.vpcs': 6,
      'VPCAttachment.subnet': 5,
      'VPCAttachment.switches': 6,
      'VPCAttachment.servers': 6,
      'VPC.servers': 7,
      'VPC.subnets': 3,
      'ExternalAttachment.switch': 6,
      'Connection.endpoints': 3,
    });
  });

  it('stay constant for the topology, at two statements', async () => {
    const sizes: Record<string, number> = {};
    const count = (id: string) =>
      statementsOf(stack.t, async () => {
        const data = dataOf(
          await stack.t.gql<{ topology: { nodes: unknown[]; links: unknown[] } }>(TOPOLOGY, { f: id }),
        );
        sizes[id] = data.topology.links.length;
      });
    const [one, ten] = [await count(small), await count(large)];
    expect(sizes[large]).toBeGreaterThan(sizes[small]! * 5);
    expect(ten).toBe(one);
    expect(one).toBe(2);
  });

  it('stay constant for the impact of a leaf: one statement per level, never per record', async () => {
    const sizes: Record<string, number> = {};
    const count = async (id: string) => {
      const leaf = await recordId(stack.t, id, 'Switch', 'leaf-01');
      return statementsOf(stack.t, async () => {
        const data = dataOf(await stack.t.gql<{ impact: { impacted: unknown[] } }>(IMPACT, { id: leaf }));
        sizes[id] = data.impact.impacted.length;
      });
    };
    const [one, ten] = [await count(small), await count(large)];
    expect(sizes[large]).toBeGreaterThan(sizes[small]! * 2);
    expect(ten).toBe(one);
    // The root, three levels of dependents, then the joined records' references and the records.
    expect(one).toBe(6);
  });
});

describe('a walk over 1,000 VPCs', () => {
  // Every VPC at once through IPv4Namespace.vpcs (a plain list edge, not a page of 500).
  const ALL_VPCS = `query($f: ID!) {
    records(fabricId: $f, kind: IPv4Namespace) { nodes { ... on IPv4Namespace {
      vpcs { name attachments { name connection { name switches { name } servers { name } } } }
    } } }
  }`;
  type AllVpcs = {
    records: { nodes: { vpcs: { attachments: { connection: { switches: unknown[] } | null }[] }[] }[] };
  };

  it('issues as many statements as a walk over 100', async () => {
    const shape = { seed: 7, leafPairs: 2, serversPerPair: 50, subnetsPerVpc: 1, vpcs: 100 };
    const hundred = await syncedFabric('graph-vpcs-100', generateFabric(shape));
    const thousand = await syncedFabric(
      'graph-vpcs-1000',
      generateFabric({ ...shape, leafPairs: 20, vpcs: 1000 }),
    );
    const walked: Record<string, { vpcs: number; attachments: number }> = {};
    const count = (id: string) =>
      statementsOf(stack.t, async () => {
        const [namespace] = dataOf(await stack.t.gql<AllVpcs>(ALL_VPCS, { f: id })).records.nodes;
        const attachments = namespace!.vpcs.flatMap((v) => v.attachments);
        expect(attachments.every((a) => (a.connection?.switches.length ?? 0) > 0)).toBe(true);
        walked[id] = { vpcs: namespace!.vpcs.length, attachments: attachments.length };
      });
    const [one, ten] = [await count(hundred), await count(thousand)];
    expect(walked[hundred]).toEqual({ vpcs: 100, attachments: 100 });
    expect(walked[thousand]).toEqual({ vpcs: 1000, attachments: 1000 });
    expect(ten).toBe(one);
  });
});
