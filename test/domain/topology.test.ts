import { describe, expect, it } from 'vitest';
import { buildTopology, type TopologyRecord } from '../../src/domain/topology.js';
import { miniFabric } from './mini-fabric.js';

/** The mini fabric as records whose id is `Kind/name`, so expectations read as names. */
const records = (): TopologyRecord[] =>
  miniFabric().map((m) => ({
    id: `${m.kind}/${m.metadata.name}`,
    kind: m.kind,
    name: m.metadata.name,
    spec: m.spec ?? {},
  }));

describe('buildTopology on the mini fabric', () => {
  const topology = buildTopology(records());

  it('draws every switch and server as a node with its role and redundancy group', () => {
    expect(topology.nodes).toEqual([
      { id: 'Server/srv-1', kind: 'Server', name: 'srv-1', role: null, group: null, groups: [] },
      { id: 'Server/srv-2', kind: 'Server', name: 'srv-2', role: null, group: null, groups: [] },
      {
        id: 'Switch/leaf-1',
        kind: 'Switch',
        name: 'leaf-1',
        role: 'server-leaf',
        group: 'eslag-1',
        groups: [],
      },
      {
        id: 'Switch/leaf-2',
        kind: 'Switch',
        name: 'leaf-2',
        role: 'server-leaf',
        group: 'eslag-1',
        groups: [],
      },
      { id: 'Switch/spine-1', kind: 'Switch', name: 'spine-1', role: 'spine', group: null, groups: [] },
    ]);
  });

  it('makes one link per device pair of each connection, switch first, with its port pairs', () => {
    const view = topology.links.map((l) => [
      l.connectionName,
      l.connectionType,
      l.kind,
      l.source,
      l.target,
      l.ports,
    ]);
    expect(view).toEqual([
      [
        'leaf-1--vpc-loopback',
        'vpcLoopback',
        'SWITCH',
        'Switch/leaf-1',
        'Switch/leaf-1',
        [{ sourcePort: 'E1/3/1', targetPort: 'E1/3/2' }],
      ],
      [
        'leaf-2--external',
        'external',
        'EXTERNAL',
        'Switch/leaf-2',
        null,
        [{ sourcePort: 'E1/5', targetPort: null }],
      ],
      [
        'spine-1--fabric--leaf-1',
        'fabric',
        'SWITCH',
        'Switch/spine-1',
        'Switch/leaf-1',
        [{ sourcePort: 'E1/1', targetPort: 'E1/8' }],
      ],
      [
        'srv-1--unbundled--leaf-1',
        'unbundled',
        'SERVER',
        'Switch/leaf-1',
        'Server/srv-1',
        [{ sourcePort: 'E1/1', targetPort: 'eth0' }],
      ],
      [
        'srv-2--eslag--leaf-1--leaf-2',
        'eslag',
        'SERVER',
        'Switch/leaf-1',
        'Server/srv-2',
        [{ sourcePort: 'E1/2/1', targetPort: 'eth0' }],
      ],
      [
        'srv-2--eslag--leaf-1--leaf-2',
        'eslag',
        'SERVER',
        'Switch/leaf-2',
        'Server/srv-2',
        [{ sourcePort: 'E1/2/1', targetPort: 'eth1' }],
      ],
    ]);
    expect(topology.links.every((l) => l.connection === `Connection/${l.connectionName}`)).toBe(true);
  });

  it('puts each attachment’s VPC subnet on the nodes of its connection', () => {
    expect(topology.vpcMemberships).toEqual([
      {
        vpc: 'VPC/vpc-1',
        vpcName: 'vpc-1',
        subnet: 'default',
        attachment: 'VPCAttachment/vpc-1--srv-1',
        attachmentName: 'vpc-1--srv-1',
        connection: 'Connection/srv-1--unbundled--leaf-1',
        nodes: ['Switch/leaf-1', 'Server/srv-1'],
        nativeVLAN: false,
      },
      {
        vpc: 'VPC/vpc-2',
        vpcName: 'vpc-2',
        subnet: 'default',
        attachment: 'VPCAttachment/vpc-2--srv-2',
        attachmentName: 'vpc-2--srv-2',
        connection: 'Connection/srv-2--eslag--leaf-1--leaf-2',
        nodes: ['Switch/leaf-1', 'Server/srv-2', 'Switch/leaf-2'],
        nativeVLAN: false,
      },
    ]);
  });

  it('leaves out ends and memberships that name nothing', () => {
    const partial = buildTopology(records().filter((r) => r.name !== 'srv-1' && r.name !== 'vpc-2'));
    expect(partial.links.map((l) => l.connectionName)).not.toContain('srv-1--unbundled--leaf-1');
    expect(partial.vpcMemberships.map((m) => [m.attachmentName, m.nodes])).toEqual([['vpc-1--srv-1', []]]);
  });
});
