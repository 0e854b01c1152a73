/**
 * The derived and part edges of issue 11 (Switch.attachments/servers/redundancyPeers,
 * Server.attachments/vpcs, VPCAttachment.subnet/switches/servers, VPC.servers,
 * VPCSubnet.attachments, ExternalAttachment.switch, Connection.endpoints) on a generated fabric,
 * each checked both ways against what the manifests say, and what a reference naming nothing gives.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { fromGlobalId } from '../../src/api/ids.js';
import type { Manifest } from '../../src/domain/manifest.js';
import { dataOf } from '../support/app.js';
import { generateFabric } from '../support/fixtures/index.js';
import { UNLIMITED_COST, syncedFabric, useGraphStack } from './graph-fabric.js';

const stack = useGraphStack(UNLIMITED_COST);

interface Named {
  name: string;
}
interface PortEnd {
  record: Named | null;
  port: string;
}
interface EdgesView {
  switches: {
    nodes: (Named & {
      attachments: Named[];
      servers: Named[];
      redundancyPeers: Named[];
      connections: Named[];
    })[];
  };
  servers: { nodes: (Named & { attachments: Named[]; vpcs: Named[]; connections: Named[] })[] };
  attachments: {
    nodes: (Named & {
      subnet: { name: string; cidr: string | null; vpc: Named } | null;
      switches: Named[];
      servers: Named[];
    })[];
  };
  vpcs: { nodes: (Named & { servers: Named[]; subnets: { name: string; attachments: Named[] }[] })[] };
  externalAttachments: { nodes: (Named & { switch: Named | null })[] };
  connections: {
    nodes: (Named & {
      endpoints: { role: string; field: string; switch: PortEnd | null; server: PortEnd | null }[];
    })[];
  };
}

const EDGES = `query($f: ID!) {
  switches: records(fabricId: $f, kind: Switch, first: 500) { nodes { name ... on Switch {
    attachments { name } servers { name } redundancyPeers { name } connections { name } } } }
  servers: records(fabricId: $f, kind: Server, first: 500) { nodes { name ... on Server {
    attachments { name } vpcs { name } connections { name } } } }
  attachments: records(fabricId: $f, kind: VPCAttachment, first: 500) { nodes { name ... on VPCAttachment {
    subnet { name cidr vpc { name } } switches { name } servers { name } } } }
  vpcs: records(fabricId: $f, kind: VPC, first: 500) { nodes { name ... on VPC {
    servers { name } subnets { name attachments { name } } } } }
  externalAttachments: records(fabricId: $f, kind: ExternalAttachment, first: 500) { nodes { name ... on ExternalAttachment {
    switch { name } } } }
  connections: records(fabricId: $f, kind: Connection, first: 500) { nodes { name ... on Connection {
    endpoints { role field switch { record { name } port } server { record { name } port } } } } }
}`;

const names = (list: readonly Named[]) => list.map((n) => n.name);
const sorted = (list: Iterable<string>) => [...list].sort();
/** `a → b` pairs of an edge, to compare an edge with its inverse. */
const pairs = <T extends Named>(nodes: readonly T[], edge: (node: T) => readonly (Named | null)[]) =>
  sorted(nodes.flatMap((n) => edge(n).flatMap((m) => (m ? [`${n.name} → ${m.name}`] : []))));
const flip = (list: readonly string[]) => sorted(list.map((p) => p.split(' → ').reverse().join(' → ')));

/** What the manifests say, read without the domain code: every `port` in a connection names its device. */
function oracle(manifests: readonly Manifest[]) {
  const ofKind = (kind: string) => manifests.filter((m) => m.kind === kind);
  const switchNames = new Set(ofKind('Switch').map((m) => m.metadata.name));
  const serverNames = new Set(ofKind('Server').map((m) => m.metadata.name));
  const ports = (value: unknown, role = ''): { role: string; port: string }[] => {
    if (Array.isArray(value)) return value.flatMap((v) => ports(v, role));
    if (typeof value !== 'object' || value === null) return [];
    return Object.entries(value).flatMap(([key, v]) =>
      key === 'port' && typeof v === 'string' ? [{ role, port: v }] : ports(v, key),
    );
  };
  const devices = new Map(
    ofKind('Connection').map((c) => [
      c.metadata.name,
      new Set(ports(c.spec).map((p) => p.port.split('/')[0]!)),
    ]),
  );
  const attachments = ofKind('VPCAttachment').map((a) => ({
    name: a.metadata.name,
    subnet: a.spec!['subnet'] as string,
    vpc: (a.spec!['subnet'] as string).split('/')[0]!,
    devices: devices.get(a.spec!['connection'] as string) ?? new Set<string>(),
  }));
  const only = (set: ReadonlySet<string>, among: ReadonlySet<string>) =>
    sorted([...set].filter((d) => among.has(d)));
  return {
    ports,
    switchNames,
    serverNames,
    attachments,
    devicesOf: (connection: string) => devices.get(connection) ?? new Set<string>(),
    /** Devices of `kind` sharing a connection with device `name`. */
    sharing: (name: string, among: ReadonlySet<string>) =>
      sorted(new Set([...devices.values()].filter((d) => d.has(name)).flatMap((d) => only(d, among)))),
    only,
  };
}

describe('derived and part edges on a generated fabric', () => {
  const manifests = generateFabric({ seed: 3 });
  const o = oracle(manifests);
  let view: EdgesView;
  beforeAll(async () => {
    const fabricId = await syncedFabric(stack.t, stack.git, 'edges-gen', manifests);
    view = dataOf(await stack.t.gql<EdgesView>(EDGES, { f: fabricId }));
  });

  it('Switch.attachments and VPCAttachment.switches: attachments on connections that include the switch', () => {
    const expected = sorted(
      o.attachments.flatMap((a) => o.only(a.devices, o.switchNames).map((sw) => `${sw} → ${a.name}`)),
    );
    expect(pairs(view.switches.nodes, (s) => s.attachments)).toEqual(expected);
    expect(flip(pairs(view.attachments.nodes, (a) => a.switches))).toEqual(expected);
    expect(names(view.switches.nodes.find((s) => s.name === 'leaf-04')!.attachments)).toEqual([
      'vpc-1--server-12--unbundled--leaf-04',
      'vpc-3--server-8--unbundled--leaf-04',
      'vpc-4--server-10--bundled--leaf-04',
    ]);
    expect(view.switches.nodes.find((s) => s.name === 'spine-01')!.attachments).toEqual([]);
  });

  it('Switch.servers: servers sharing a connection with the switch', () => {
    for (const sw of view.switches.nodes)
      expect(names(sw.servers)).toEqual(o.sharing(sw.name, o.serverNames));
    expect(names(view.switches.nodes.find((s) => s.name === 'leaf-04')!.servers)).toEqual([
      'server-10',
      'server-12',
      'server-8',
    ]);
  });

  it('Switch.redundancyPeers: the other switches of the redundancy group, both ways', () => {
    const group = (name: string) =>
      (
        manifests.find((m) => m.kind === 'Switch' && m.metadata.name === name)!.spec!['redundancy'] as
          { group: string } | undefined
      )?.group;
    for (const sw of view.switches.nodes) {
      const mine = group(sw.name);
      const expected = mine
        ? sorted([...o.switchNames].filter((n) => n !== sw.name && group(n) === mine))
        : [];
      expect(names(sw.redundancyPeers)).toEqual(expected);
    }
    const peers = pairs(view.switches.nodes, (s) => s.redundancyPeers);
    expect(peers).toEqual(flip(peers));
    expect(peers).toEqual([
      'leaf-01 → leaf-02',
      'leaf-02 → leaf-01',
      'leaf-03 → leaf-04',
      'leaf-04 → leaf-03',
    ]);
  });

  it('Server.attachments and VPCAttachment.servers: attachments on the server’s connections', () => {
    const expected = sorted(
      o.attachments.flatMap((a) => o.only(a.devices, o.serverNames).map((s) => `${s} → ${a.name}`)),
    );
    expect(pairs(view.servers.nodes, (s) => s.attachments)).toEqual(expected);
    expect(flip(pairs(view.attachments.nodes, (a) => a.servers))).toEqual(expected);
    expect(expected.length).toBe(o.attachments.length);
  });

  it('Server.vpcs and VPC.servers: VPCs of the attachments on the server’s connections', () => {
    const expected = sorted(
      new Set(o.attachments.flatMap((a) => o.only(a.devices, o.serverNames).map((s) => `${s} → ${a.vpc}`))),
    );
    expect(pairs(view.servers.nodes, (s) => s.vpcs)).toEqual(expected);
    expect(flip(pairs(view.vpcs.nodes, (v) => v.servers))).toEqual(expected);
    expect(names(view.vpcs.nodes.find((v) => v.name === 'vpc-1')!.servers)).toContain('server-12');
  });

  it('VPCAttachment.subnet and VPCSubnet.attachments: the subnet `vpc/subnet` names', () => {
    const expected = sorted(o.attachments.map((a) => `${a.name} → ${a.subnet}`));
    expect(
      sorted(view.attachments.nodes.map((a) => `${a.name} → ${a.subnet!.vpc.name}/${a.subnet!.name}`)),
    ).toEqual(expected);
    const fromSubnets = view.vpcs.nodes.flatMap((v) =>
      v.subnets.flatMap((s) => s.attachments.map((a) => `${a.name} → ${v.name}/${s.name}`)),
    );
    expect(sorted(fromSubnets)).toEqual(expected);
    const vpc = manifests.find((m) => m.metadata.name === view.attachments.nodes[0]!.subnet!.vpc.name)!;
    const subnets = vpc.spec!['subnets'] as Record<string, { subnet: string }>;
    expect(view.attachments.nodes[0]!.subnet!.cidr).toBe(
      subnets[view.attachments.nodes[0]!.subnet!.name]!.subnet,
    );
  });

  it('ExternalAttachment.switch: the switch of its external connection', () => {
    const connectionOf = (name: string) =>
      manifests.find((m) => m.kind === 'ExternalAttachment' && m.metadata.name === name)!.spec![
        'connection'
      ] as string;
    for (const a of view.externalAttachments.nodes)
      expect([a.switch?.name]).toEqual(o.only(o.devicesOf(connectionOf(a.name)), o.switchNames));
    expect(sorted(view.externalAttachments.nodes.map((a) => a.switch!.name))).toEqual(['leaf-01', 'leaf-01']);
  });

  it('Connection.endpoints: every port with its role and device, and the devices’ connections back', () => {
    for (const c of view.connections.nodes) {
      const spec = manifests.find((m) => m.kind === 'Connection' && m.metadata.name === c.name)!.spec;
      const ends = c.endpoints.map((e) => {
        const end = e.switch ?? e.server!;
        expect(e.switch === null || e.server === null).toBe(true);
        expect(end.record?.name).toBe(end.port.split('/')[0]);
        return { role: e.role, port: end.port };
      });
      expect(ends).toEqual(o.ports(spec));
      for (const e of c.endpoints) {
        if (e.switch) expect(o.switchNames.has(e.switch.record!.name)).toBe(true);
        if (e.server) expect(o.serverNames.has(e.server.record!.name)).toBe(true);
      }
    }
    const fromEndpoints = sorted(
      new Set(
        view.connections.nodes.flatMap((c) =>
          c.endpoints.map((e) => `${(e.switch ?? e.server)!.record!.name} → ${c.name}`),
        ),
      ),
    );
    const fromDevices = [
      ...pairs(view.switches.nodes, (s) => s.connections),
      ...pairs(view.servers.nodes, (s) => s.connections),
    ];
    expect(sorted(fromDevices)).toEqual(fromEndpoints);
    const eslag = view.connections.nodes.find((c) => c.name.includes('--eslag--'))!;
    expect(eslag.endpoints.map((e) => e.field)).toEqual([
      'spec.eslag.links[0].server.port',
      'spec.eslag.links[0].switch.port',
      'spec.eslag.links[1].server.port',
      'spec.eslag.links[1].switch.port',
    ]);
  });
});

describe('references that name nothing', () => {
  const manifests = generateFabric({ seed: 4, serversPerPair: 2, vpcs: 1, subnetsPerVpc: 1, externals: 1 });
  let fabricId: string;
  beforeAll(async () => {
    fabricId = await syncedFabric(stack.t, stack.git, 'edges-dangling', manifests);
    // Records the git sync would not accept, made by hand: a server gone, a VPC without its subnet.
    const db = stack.t.db.orm.em.getConnection();
    const id = fromGlobalId(fabricId, 'Fabric', 'fabricId');
    await db.execute(`delete from record where fabric_id = ? and kind = 'Server' and name = 'server-1'`, [
      id,
    ]);
    await db.execute(
      `update record set spec = spec #- '{subnets,subnet-1}' where fabric_id = ? and kind = 'VPC' and name = 'vpc-1'`,
      [id],
    );
  });

  it('resolve to null or are left out, and the missing records are listed as dangling', async () => {
    const data = dataOf(
      await stack.t.gql<{
        fabric: { danglingReferences: { kind: string; name: string; field: string; targetName: string }[] };
        connections: { nodes: (Named & { endpoints: { server: PortEnd | null }[] })[] };
        attachments: { nodes: (Named & { subnet: Named | null; servers: Named[]; vpc: Named | null })[] };
        vpcs: { nodes: (Named & { servers: Named[]; subnets: Named[] })[] };
      }>(
        `query($f: ID!) {
          fabric(id: $f) { danglingReferences { kind name field targetName } }
          connections: records(fabricId: $f, kind: Connection) { nodes { name ... on Connection { endpoints { server { record { name } port } } } } }
          attachments: records(fabricId: $f, kind: VPCAttachment) { nodes { name ... on VPCAttachment { subnet { name } servers { name } vpc { name } } } }
          vpcs: records(fabricId: $f, kind: VPC) { nodes { name ... on VPC { servers { name } subnets { name } } } }
        }`,
        { f: fabricId },
      ),
    );
    const connection = manifests.find(
      (m) => m.kind === 'Connection' && m.metadata.name.startsWith('server-1--'),
    )!;
    expect(data.fabric.danglingReferences.map((d) => `${d.kind} ${d.name} ${d.targetName}`)).toEqual(
      serverPortsOf(connection).map(() => `Connection ${connection.metadata.name} server-1`),
    );
    const ends = data.connections.nodes.find((c) => c.name === connection.metadata.name)!.endpoints;
    expect(ends.filter((e) => e.server).map((e) => e.server)).toEqual(
      serverPortsOf(connection).map((port) => ({ record: null, port })),
    );
    // Every attachment is on vpc-1/subnet-1, which is gone; the VPC itself is still there.
    expect(data.attachments.nodes.length).toBe(4);
    for (const a of data.attachments.nodes) {
      expect(a.subnet).toBeNull();
      expect(a.vpc).toEqual({ name: 'vpc-1' });
    }
    const onServer1 = data.attachments.nodes.find((a) => a.name.includes(connection.metadata.name))!;
    expect(onServer1.servers).toEqual([]);
    expect(names(data.vpcs.nodes[0]!.servers)).toEqual(['server-2', 'server-3', 'server-4']);
    expect(data.vpcs.nodes[0]!.subnets).toEqual([]);
  });
});

/** The server ports a connection manifest names. */
function serverPortsOf(connection: Manifest): string[] {
  return oracle([connection])
    .ports(connection.spec)
    .filter((p) => p.role === 'server')
    .map((p) => p.port);
}
