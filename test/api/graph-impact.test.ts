/**
 * impact and topology through the API, on a generated fabric and on the lab-ci sample (skipped
 * without ../shared): exact impact paths, webhook delete refusals, and the topology of a known fabric.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { dataOf } from '../support/app.js';
import { generateFabric } from '../support/fixtures/index.js';
import { recordId, syncedFabric, useGraphStack } from './graph-fabric.js';

const SAMPLES = path.resolve(process.cwd(), '../shared/hedgehog/samples');

const stack = useGraphStack();

interface ImpactView {
  impact: {
    root: { name: string };
    truncated: boolean;
    deleteRefused: boolean;
    impacted: { depth: number; record: { name: string; kind: string }; path: Hop[] }[];
    deleteBlockers: { record: { kind: string; name: string }; edge: string; field: string; reason: string }[];
  } | null;
}
interface Hop {
  kind: string;
  name: string;
  relation: string;
  edge: string | null;
  field: string | null;
}

const IMPACT = `query($id: ID!, $depth: Int) {
  impact(recordId: $id, depth: $depth) {
    root { name } truncated deleteRefused
    impacted { depth record { kind name } path { kind name relation edge field } }
    deleteBlockers { record { kind name } edge field reason }
  }
}`;

async function impactOf(fabricId: string, kind: string, name: string, depth?: number) {
  const id = await recordId(stack.t, fabricId, kind, name);
  return dataOf(await stack.t.gql<ImpactView>(IMPACT, { id, ...(depth ? { depth } : {}) })).impact!;
}

/** `Kind/name → Kind/name → ⇢Kind/name` (⇢: loses an attachment or peering). */
const pathText = (hops: readonly Hop[]) =>
  hops.map((h) => `${h.relation === 'LOSES' ? '⇢' : ''}${h.kind}/${h.name}`).join(' → ');

describe('on a generated fabric', () => {
  let fabricId: string;
  beforeAll(async () => {
    fabricId = await syncedFabric(stack.t, stack.git, 'impact-gen', generateFabric({ seed: 3 }));
  });

  // Each level in kind and name order; a record that loses an attachment comes after all dependents.
  it('walks a leaf to its connections, their attachments and the VPCs that lose them', async () => {
    const impact = await impactOf(fabricId, 'Switch', 'leaf-04');
    expect(impact.impacted.map((e) => pathText(e.path))).toEqual([
      'Switch/leaf-04 → Connection/server-10--bundled--leaf-04',
      'Switch/leaf-04 → Connection/server-12--unbundled--leaf-04',
      'Switch/leaf-04 → Connection/server-8--unbundled--leaf-04',
      'Switch/leaf-04 → Connection/spine-01--fabric--leaf-04',
      'Switch/leaf-04 → Connection/spine-02--fabric--leaf-04',
      'Switch/leaf-04 → Connection/server-12--unbundled--leaf-04 → VPCAttachment/vpc-1--server-12--unbundled--leaf-04',
      'Switch/leaf-04 → Connection/server-8--unbundled--leaf-04 → VPCAttachment/vpc-3--server-8--unbundled--leaf-04',
      'Switch/leaf-04 → Connection/server-10--bundled--leaf-04 → VPCAttachment/vpc-4--server-10--bundled--leaf-04',
      'Switch/leaf-04 → Connection/server-12--unbundled--leaf-04 → VPCAttachment/vpc-1--server-12--unbundled--leaf-04 → ⇢VPC/vpc-1',
      'Switch/leaf-04 → Connection/server-8--unbundled--leaf-04 → VPCAttachment/vpc-3--server-8--unbundled--leaf-04 → ⇢VPC/vpc-3',
      'Switch/leaf-04 → Connection/server-10--bundled--leaf-04 → VPCAttachment/vpc-4--server-10--bundled--leaf-04 → ⇢VPC/vpc-4',
    ]);
    expect(impact.impacted.find((e) => e.record.name === 'vpc-1')!.path).toEqual([
      { kind: 'Switch', name: 'leaf-04', relation: 'ROOT', edge: null, field: null },
      {
        kind: 'Connection',
        name: 'server-12--unbundled--leaf-04',
        relation: 'DEPENDS_ON',
        edge: 'switches',
        field: 'spec.unbundled.link.switch.port',
      },
      {
        kind: 'VPCAttachment',
        name: 'vpc-1--server-12--unbundled--leaf-04',
        relation: 'DEPENDS_ON',
        edge: 'connection',
        field: 'spec.connection',
      },
      { kind: 'VPC', name: 'vpc-1', relation: 'LOSES', edge: 'vpc', field: 'spec.subnet' },
    ]);
    expect(impact.deleteRefused).toBe(true);
    expect(impact.deleteBlockers.map((b) => b.record.name)).toEqual([
      'server-10--bundled--leaf-04',
      'server-12--unbundled--leaf-04',
      'server-8--unbundled--leaf-04',
      'spine-01--fabric--leaf-04',
      'spine-02--fabric--leaf-04',
    ]);
  });

  it('reports what loses a VPC’s peerings, and stops at the depth asked for', async () => {
    const impact = await impactOf(fabricId, 'VPC', 'vpc-1', 2);
    expect(impact.impacted.map((e) => pathText(e.path))).toEqual([
      'VPC/vpc-1 → ExternalPeering/vpc-1--ext-1',
      'VPC/vpc-1 → VPCAttachment/vpc-1--server-12--unbundled--leaf-04',
      'VPC/vpc-1 → VPCPeering/vpc-1--vpc-2',
      'VPC/vpc-1 → ExternalPeering/vpc-1--ext-1 → ⇢External/ext-1',
      'VPC/vpc-1 → VPCAttachment/vpc-1--server-12--unbundled--leaf-04 → ⇢Connection/server-12--unbundled--leaf-04',
      'VPC/vpc-1 → VPCPeering/vpc-1--vpc-2 → ⇢VPC/vpc-2',
    ]);
    const shallow = await impactOf(fabricId, 'VPC', 'vpc-1', 1);
    expect(shallow.impacted.every((e) => e.depth === 1)).toBe(true);
    expect(shallow.deleteBlockers).toHaveLength(3);
  });

  it('lets a record nobody references be deleted', async () => {
    const impact = await impactOf(fabricId, 'VPCPeering', 'vpc-3--vpc-4');
    expect(impact).toMatchObject({
      impacted: [],
      deleteRefused: false,
      deleteBlockers: [],
      truncated: false,
    });
  });

  it('refuses a depth outside 1–10 with BAD_USER_INPUT', async () => {
    const id = await recordId(stack.t, fabricId, 'Switch', 'spine-01');
    for (const depth of [0, 11, -1]) {
      const result = await stack.t.gql(IMPACT, { id, depth });
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'depth' });
    }
    expect(dataOf(await stack.t.gql<ImpactView>(IMPACT, { id, depth: 10 })).impact?.root.name).toBe(
      'spine-01',
    );
  });

  it('prices impact as its largest answer: nesting edges under every impacted record is refused', async () => {
    const id = await recordId(stack.t, fabricId, 'Switch', 'spine-01');
    const nested = `query($id: ID!) { impact(recordId: $id) { impacted { record { ... on Connection {
      attachments { vpc { attachments { connection { name } } } } } } } } }`;
    expect((await stack.t.gql(nested, { id })).errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
    expect((await stack.t.gql(IMPACT, { id })).errors).toBeUndefined();
  });

  it('answers null for a record that does not exist', async () => {
    const missing = Buffer.from('Record:00000000-0000-4000-8000-000000000000').toString('base64url');
    expect(dataOf(await stack.t.gql<ImpactView>(IMPACT, { id: missing })).impact).toBeNull();
  });

  it('draws its topology: every switch and server, one link per device pair, every attachment', async () => {
    const data = dataOf(
      await stack.t.gql<{
        topology: {
          fabric: { name: string };
          nodes: { id: string; kind: string; name: string; role: string | null; group: string | null }[];
          links: {
            connectionName: string;
            connectionType: string;
            kind: string;
            source: string;
            target: string | null;
            ports: { sourcePort: string; targetPort: string | null }[];
          }[];
          vpcMemberships: { vpcName: string; subnet: string; attachmentName: string; nodes: string[] }[];
        };
      }>(
        `query($f: ID!) { topology(fabricId: $f) {
          fabric { name }
          nodes { id kind name role group }
          links { connectionName connectionType kind source target ports { sourcePort targetPort } }
          vpcMemberships { vpcName subnet attachmentName nodes }
        } }`,
        { f: fabricId },
      ),
    );
    const { nodes, links, vpcMemberships } = data.topology;
    expect(data.topology.fabric.name).toBe('impact-gen');
    const name = new Map(nodes.map((n) => [n.id, n.name]));
    expect(nodes.filter((n) => n.kind === 'Switch').map((n) => [n.name, n.role, n.group])).toEqual([
      ['leaf-01', 'server-leaf', 'eslag-1'],
      ['leaf-02', 'server-leaf', 'eslag-1'],
      ['leaf-03', 'server-leaf', 'eslag-2'],
      ['leaf-04', 'server-leaf', 'eslag-2'],
      ['spine-01', 'spine', null],
      ['spine-02', 'spine', null],
    ]);
    expect(nodes.filter((n) => n.kind === 'Server')).toHaveLength(12);
    // 8 fabric + 2 loopback + 2 eslag × 2 leaves + 4 bundled + 6 unbundled + external + static-external.
    expect(links).toHaveLength(26);
    const view = (connection: string) =>
      links
        .filter((l) => l.connectionName === connection)
        .map((l) => [l.kind, l.connectionType, name.get(l.source), l.target && name.get(l.target), l.ports]);
    expect(view('server-1--eslag--leaf-01--leaf-02')).toEqual([
      ['SERVER', 'eslag', 'leaf-01', 'server-1', [{ sourcePort: 'E1/1/1', targetPort: 'enp2s1' }]],
      ['SERVER', 'eslag', 'leaf-02', 'server-1', [{ sourcePort: 'E1/1/1', targetPort: 'enp2s2' }]],
    ]);
    expect(view('spine-01--fabric--leaf-01')).toEqual([
      ['SWITCH', 'fabric', 'spine-01', 'leaf-01', [{ sourcePort: 'E1/1/1', targetPort: 'E1/25' }]],
    ]);
    expect(view('leaf-01--external')).toEqual([
      ['EXTERNAL', 'external', 'leaf-01', null, [{ sourcePort: 'E1/29', targetPort: null }]],
    ]);
    expect(vpcMemberships).toHaveLength(12);
    const membership = vpcMemberships.find(
      (m) => m.attachmentName === 'vpc-3--server-1--eslag--leaf-01--leaf-02',
    )!;
    expect([membership.vpcName, membership.subnet, membership.nodes.map((n) => name.get(n)).sort()]).toEqual([
      'vpc-3',
      'subnet-2',
      ['leaf-01', 'leaf-02', 'server-1'],
    ]);
  });
});

describe.skipIf(!existsSync(SAMPLES))('on the lab-ci wiring sample', () => {
  let fabricId: string;
  beforeAll(async () => {
    // The static ExternalAttachment lacks the switch/neighbor objects the CRD requires (samples/README).
    const wiring = readFileSync(path.join(SAMPLES, 'lab-ci_env-ci-1_wiring.95ca77d.yaml'), 'utf8').replace(
      /(\n  name: ds3000-03--static-ext\n(?:[\s\S]*?\n)?spec:\n)/,
      '$1  switch: {}\n  neighbor: {}\n',
    );
    fabricId = await syncedFabric(stack.t, stack.git, 'impact-lab', { 'wiring.yaml': wiring });
  });

  it('walks a leaf to its external connection’s attachments and the Externals that lose them', async () => {
    const impact = await impactOf(fabricId, 'Switch', 'ds3000-03');
    const paths = impact.impacted.map((e) => pathText(e.path));
    expect(paths.filter((p) => p.includes('External'))).toEqual([
      'Switch/ds3000-03 → Connection/ds3000-03--external--ds2000-02 → ExternalAttachment/ds3000-03--default',
      'Switch/ds3000-03 → Connection/ds3000-03--external--ds2000-02 → ExternalAttachment/ds3000-03--other',
      'Switch/ds3000-03 → Connection/ds3000-03--external--ds2000-02 → ExternalAttachment/ds3000-03--static-ext',
      'Switch/ds3000-03 → Connection/ds3000-03--external--ds2000-02 → ExternalAttachment/ds3000-03--default → ⇢External/default',
      'Switch/ds3000-03 → Connection/ds3000-03--external--ds2000-02 → ExternalAttachment/ds3000-03--other → ⇢External/other',
      'Switch/ds3000-03 → Connection/ds3000-03--external--ds2000-02 → ExternalAttachment/ds3000-03--static-ext → ⇢External/static-ext',
    ]);
    expect(impact.deleteBlockers.map((b) => b.record.name)).toEqual([
      'ds3000-03--external--ds2000-02',
      'ds3000-03--vpc-loopback',
      'ds4000-01--fabric--ds3000-03',
      'ds4000-02--fabric--ds3000-03',
      'server-5--eslag--ds3000-03--sse-c4632-01',
      'server-6--eslag--ds3000-03--sse-c4632-01',
      'server-7--unbundled--ds3000-03',
      'server-8--unbundled--ds3000-03',
    ]);
  });

  it('refuses deleting an External while attachments reference it, and names them', async () => {
    const impact = await impactOf(fabricId, 'External', 'default', 1);
    expect(impact.deleteBlockers.map((b) => [b.record.kind, b.record.name, b.edge, b.field])).toEqual([
      ['ExternalAttachment', 'ds3000-03--default', 'external', 'spec.external'],
      ['ExternalAttachment', 'sse-c4632-01--default', 'external', 'spec.external'],
    ]);
    expect(impact.deleteBlockers[0]!.reason).toContain('while ExternalAttachments reference it');
  });

  it('draws the lab: 6 switches, 8 servers, and an ESLAG server on both leaves of its pair', async () => {
    const data = dataOf(
      await stack.t.gql<{
        topology: {
          nodes: { id: string; kind: string; name: string }[];
          links: { connectionName: string; source: string; target: string | null }[];
        };
      }>(
        `query($f: ID!) { topology(fabricId: $f) { nodes { id kind name } links { connectionName source target } } }`,
        {
          f: fabricId,
        },
      ),
    );
    const { nodes, links } = data.topology;
    expect(nodes.filter((n) => n.kind === 'Switch')).toHaveLength(6);
    expect(nodes.filter((n) => n.kind === 'Server')).toHaveLength(8);
    const name = new Map(nodes.map((n) => [n.id, n.name]));
    expect(
      links
        .filter((l) => l.connectionName === 'server-5--eslag--ds3000-03--sse-c4632-01')
        .map((l) => [name.get(l.source), l.target && name.get(l.target)]),
    ).toEqual([
      ['ds3000-03', 'server-5'],
      ['sse-c4632-01', 'server-5'],
    ]);
  });
});
