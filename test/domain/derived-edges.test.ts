/**
 * Derived graph edges (paths of references) walked over the mini fabric through an in-memory
 * reader, and the edges to subnets and connection ports.
 */
import { describe, expect, it } from 'vitest';
import {
  DERIVED_EDGES,
  followPath,
  pathKinds,
  type DerivedEdgeDef,
  type ReferenceReader,
  type WalkedRecord,
} from '../../src/domain/derived-edges.js';
import type { Manifest } from '../../src/domain/manifest.js';
import { attachmentSubnet, devicePorts } from '../../src/domain/member-edges.js';
import { referencesOf } from '../../src/domain/references.js';
import { fabricWith, miniFabric } from './mini-fabric.js';

/** Reads references the way the API's loaders do, from referencesOf, and counts the calls. */
function memoryReader(manifests: readonly Manifest[]) {
  const records = manifests.map((m) => ({
    id: `${m.kind}/${m.metadata.name}`,
    kind: m.kind,
    name: m.metadata.name,
  }));
  const byId = new Map(records.map((r) => [r.id, r]));
  const refs = manifests.flatMap(referencesOf);
  const calls: string[] = [];
  const reader: ReferenceReader<WalkedRecord> = {
    targets: async (from, edge) => {
      calls.push(`targets ${edge}`);
      return from.map((r) =>
        refs
          .filter((x) => x.fromKind === r.kind && x.fromName === r.name && x.edge === edge)
          .map((x) => ({ kind: x.targetKind, name: x.targetName })),
      );
    },
    sources: async (targets, edge) => {
      calls.push(`sources ${edge}`);
      return targets.map((t) =>
        refs
          .filter((x) => x.edge === edge && x.targetKind === t.kind && x.targetName === t.name)
          .map((x) => byId.get(`${x.fromKind}/${x.fromName}`)!),
      );
    },
    records: async (targets) => {
      calls.push('records');
      return targets.map((t) => byId.get(`${t.kind}/${t.name}`) ?? null);
    },
  };
  return { reader, calls, record: (kind: string, name: string) => byId.get(`${kind}/${name}`)! };
}

async function walk(manifests: readonly Manifest[], def: DerivedEdgeDef, name: string): Promise<string[]> {
  const { reader, record } = memoryReader(manifests);
  return (await followPath(record(def.kind, name), def, reader)).map((r) => r.name);
}

describe('derived edges', () => {
  it('are paths that start at their kind and end at the kind their field lists', () => {
    const ends = Object.fromEntries(
      Object.entries(DERIVED_EDGES).map(([name, def]) => [name, pathKinds(def.kind, def.path).at(-1)]),
    );
    expect(ends).toEqual({
      switchAttachments: 'VPCAttachment',
      switchServers: 'Server',
      switchRedundancyPeers: 'Switch',
      serverAttachments: 'VPCAttachment',
      serverVpcs: 'VPC',
      attachmentSwitches: 'Switch',
      attachmentServers: 'Server',
      vpcServers: 'Server',
      extAttachmentSwitch: 'Switch',
    });
    expect(() => pathKinds('Switch', [{ edge: 'attachmentVpc', direction: 'out' }])).toThrow(
      'attachmentVpc (out) does not start at Switch',
    );
  });

  const fabric = miniFabric();
  const cases: [keyof typeof DERIVED_EDGES, string, string[]][] = [
    ['switchAttachments', 'leaf-1', ['vpc-1--srv-1', 'vpc-2--srv-2']],
    ['switchAttachments', 'leaf-2', ['vpc-2--srv-2']],
    ['switchAttachments', 'spine-1', []],
    ['switchServers', 'leaf-1', ['srv-1', 'srv-2']],
    ['switchServers', 'leaf-2', ['srv-2']],
    ['switchServers', 'spine-1', []],
    ['switchRedundancyPeers', 'leaf-1', ['leaf-2']],
    ['switchRedundancyPeers', 'leaf-2', ['leaf-1']],
    ['switchRedundancyPeers', 'spine-1', []],
    ['serverAttachments', 'srv-1', ['vpc-1--srv-1']],
    ['serverAttachments', 'srv-2', ['vpc-2--srv-2']],
    ['serverVpcs', 'srv-1', ['vpc-1']],
    ['serverVpcs', 'srv-2', ['vpc-2']],
    ['attachmentSwitches', 'vpc-1--srv-1', ['leaf-1']],
    ['attachmentSwitches', 'vpc-2--srv-2', ['leaf-1', 'leaf-2']],
    ['attachmentServers', 'vpc-2--srv-2', ['srv-2']],
    ['vpcServers', 'vpc-1', ['srv-1']],
    ['vpcServers', 'vpc-2', ['srv-2']],
    ['extAttachmentSwitch', 'leaf-2--ext-1', ['leaf-2']],
  ];
  it.each(cases)('%s of %s', async (edge, name, expected) => {
    expect(await walk(fabric, DERIVED_EDGES[edge], name)).toEqual(expected);
  });

  it('lists each record once, by name, however many paths reach it', async () => {
    // srv-2's eslag connection reaches vpc-2 through one attachment; a second attachment on another
    // connection of srv-2 to the same VPC must not repeat it.
    const twice = [
      ...fabric,
      ...fabricWith('VPCAttachment', 'vpc-2--srv-2', (m) => {
        m.metadata.name = 'a-vpc-2--srv-2-again';
      }).filter((m) => m.metadata.name === 'a-vpc-2--srv-2-again'),
    ];
    expect(await walk(twice, DERIVED_EDGES.serverVpcs, 'srv-2')).toEqual(['vpc-2']);
    expect(await walk(twice, DERIVED_EDGES.switchAttachments, 'leaf-2')).toEqual([
      'a-vpc-2--srv-2-again',
      'vpc-2--srv-2',
    ]);
  });

  it('finds redundancy peers by the group name when the SwitchGroup object does not exist', async () => {
    const withoutGroup = fabric.filter((m) => m.kind !== 'SwitchGroup');
    expect(await walk(withoutGroup, DERIVED_EDGES.switchRedundancyPeers, 'leaf-1')).toEqual(['leaf-2']);
  });

  it('leaves out what a reference on the way names nothing', async () => {
    const noConnection = fabricWith('VPCAttachment', 'vpc-2--srv-2', (m) => {
      m.spec!['connection'] = 'gone';
    });
    expect(await walk(noConnection, DERIVED_EDGES.attachmentSwitches, 'vpc-2--srv-2')).toEqual([]);
    expect(await walk(noConnection, DERIVED_EDGES.serverVpcs, 'srv-2')).toEqual([]);
    const noServer = fabric.filter((m) => !(m.kind === 'Server' && m.metadata.name === 'srv-2'));
    expect(await walk(noServer, DERIVED_EDGES.switchServers, 'leaf-1')).toEqual(['srv-1']);
  });

  it('asks the reader once per hop (plus once for the records a hop out reaches), never per record', async () => {
    const { reader, calls, record } = memoryReader(fabric);
    await followPath(record('VPC', 'vpc-2'), DERIVED_EDGES.vpcServers, reader);
    expect(calls).toEqual([
      'sources attachmentVpc',
      'targets attachmentConnection',
      'records',
      'targets connectionServer',
      'records',
    ]);
    calls.length = 0;
    await followPath(record('Switch', 'leaf-1'), DERIVED_EDGES.switchRedundancyPeers, reader);
    // Back from the group's name: the SwitchGroup record itself is never read.
    expect(calls).toEqual(['targets switchRedundancyGroup', 'sources switchRedundancyGroup']);
  });
});

describe('attachmentSubnet', () => {
  it('reads <vpc>/<subnet>, a bare VPC meaning its default subnet', () => {
    expect(attachmentSubnet('vpc-1/db')).toEqual({ vpc: 'vpc-1', subnet: 'db' });
    expect(attachmentSubnet('vpc-2')).toEqual({ vpc: 'vpc-2', subnet: 'default' });
    expect(attachmentSubnet('')).toBeUndefined();
    expect(attachmentSubnet(7)).toBeUndefined();
  });
});

describe('devicePorts', () => {
  const ports = (spec: Record<string, unknown>) =>
    devicePorts(spec as never).map(({ role, kind, port, device }) => `${role} ${kind} ${port} ${device}`);

  it('lists the switch and server end of every link, per connection type', () => {
    expect(
      ports({ unbundled: { link: { server: { port: 's-1/eth0' }, switch: { port: 'l-1/E1/1' } } } }),
    ).toEqual(['server Server s-1/eth0 s-1', 'switch Switch l-1/E1/1 l-1']);
    const serverLinks = {
      links: [
        { server: { port: 's-1/eth0' }, switch: { port: 'l-1/E1/1' } },
        { server: { port: 's-1/eth1' }, switch: { port: 'l-2/E1/1' } },
      ],
    };
    const expected = [
      'server Server s-1/eth0 s-1',
      'switch Switch l-1/E1/1 l-1',
      'server Server s-1/eth1 s-1',
      'switch Switch l-2/E1/1 l-2',
    ];
    expect(ports({ bundled: serverLinks })).toEqual(expected);
    expect(ports({ eslag: serverLinks })).toEqual(expected);
    expect(ports({ mclag: serverLinks })).toEqual(expected);
    expect(
      ports({
        mclagDomain: {
          peerLinks: [{ switch1: { port: 'l-1/E1/9' }, switch2: { port: 'l-2/E1/9' } }],
          sessionLinks: [{ switch1: { port: 'l-1/E1/10' }, switch2: { port: 'l-2/E1/10' } }],
        },
      }),
    ).toEqual([
      'switch1 Switch l-1/E1/9 l-1',
      'switch2 Switch l-2/E1/9 l-2',
      'switch1 Switch l-1/E1/10 l-1',
      'switch2 Switch l-2/E1/10 l-2',
    ]);
    expect(
      ports({
        fabric: { links: [{ spine: { port: 'sp-1/E1/1', ip: 'x' }, leaf: { port: 'l-1/E1/8', ip: 'y' } }] },
      }),
    ).toEqual(['spine Switch sp-1/E1/1 sp-1', 'leaf Switch l-1/E1/8 l-1']);
    expect(
      ports({ mesh: { links: [{ leaf1: { port: 'l-1/E1/7' }, leaf2: { port: 'l-2/E1/7' } }] } }),
    ).toEqual(['leaf1 Switch l-1/E1/7 l-1', 'leaf2 Switch l-2/E1/7 l-2']);
    expect(
      ports({ vpcLoopback: { links: [{ switch1: { port: 'l-1/E1/3' }, switch2: { port: 'l-1/E1/4' } }] } }),
    ).toEqual(['switch1 Switch l-1/E1/3 l-1', 'switch2 Switch l-1/E1/4 l-1']);
    expect(ports({ external: { link: { switch: { port: 'l-1/E1/5' } } } })).toEqual([
      'switch Switch l-1/E1/5 l-1',
    ]);
    expect(
      ports({ staticExternal: { link: { switch: { port: 'l-1/E1/6', ip: 'x' } }, withinVPC: 'vpc-1' } }),
    ).toEqual(['switch Switch l-1/E1/6 l-1']);
  });

  it('leaves out gateway ends and names no device for a port without one', () => {
    expect(
      ports({ gateway: { links: [{ switch: { port: 'sp-1/E1/2' }, gateway: { port: 'gw-1/eth0' } }] } }),
    ).toEqual(['switch Switch sp-1/E1/2 sp-1']);
    expect(ports({ external: { link: { switch: { port: 'leaf-1' } } } })).toEqual([
      'switch Switch leaf-1 undefined',
    ]);
  });
});
