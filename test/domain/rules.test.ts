// One case per webhook rule: the mini fabric is valid; each edit breaks exactly one rule.
import { describe, expect, it } from 'vitest';
import type { JsonObject, Manifest } from '../../src/domain/manifest.js';
import { validateManifests, type ValidateOptions } from '../../src/domain/validate.js';
import { fabricWith, miniFabric, sourced } from './mini-fabric.js';

type Edit = (spec: JsonObject, m: Manifest) => void;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the edits reach deep into fixture specs
const deep = (spec: JsonObject): any => spec;

interface Case {
  readonly rule: string;
  readonly kind: string;
  readonly name: string;
  readonly edit: Edit;
  readonly field: string;
  readonly message: RegExp;
  readonly options?: ValidateOptions;
  /** Objects added to the fabric for this case. */
  readonly extra?: Manifest[];
}

const CASES: Case[] = [
  // VPC (REFERENCE §2.1, §1.9)
  {
    rule: 'VPC mode l3flat',
    kind: 'VPC',
    name: 'vpc-2',
    edit: (s) => (s['mode'] = 'l3flat'),
    field: 'spec.mode',
    message: /l3flat is not supported yet/,
  },
  {
    rule: 'subnet CIDR',
    kind: 'VPC',
    name: 'vpc-2',
    edit: (s) => (deep(s).subnets.default.subnet = '10.0.3.0/33'),
    field: 'spec.subnets.default.subnet',
    message: /valid IPv4 CIDR/,
  },
  {
    rule: 'subnet at most /30',
    kind: 'VPC',
    name: 'vpc-2',
    edit: (s) => (deep(s).subnets.default.subnet = '10.0.3.0/31'),
    field: 'spec.subnets.default.subnet',
    message: /at most \/30/,
  },
  {
    rule: 'gateway in subnet',
    kind: 'VPC',
    name: 'vpc-2',
    edit: (s) => (deep(s).subnets.default.gateway = '10.0.4.1'),
    field: 'spec.subnets.default.gateway',
    message: /inside 10.0.3.0\/24/,
  },
  {
    rule: 'VLAN 1..4094',
    kind: 'VPC',
    name: 'vpc-2',
    edit: (s) => (deep(s).subnets.default.vlan = 4095),
    field: 'spec.subnets.default.vlan',
    message: /between 1 and 4094/,
  },
  {
    rule: 'subnets of a VPC do not overlap',
    kind: 'VPC',
    name: 'vpc-1',
    edit: (s) => (deep(s).subnets.db.subnet = '10.0.1.128/25'),
    field: 'spec.subnets.db.subnet',
    message: /overlaps subnet default of the same VPC/,
  },
  {
    rule: 'DHCP range inside subnet',
    kind: 'VPC',
    name: 'vpc-1',
    edit: (s) => (deep(s).subnets.default.dhcp.range.start = '10.0.9.10'),
    field: 'spec.subnets.default.dhcp.range.start',
    message: /inside the subnet/,
  },
  {
    rule: 'DHCP range start below end',
    kind: 'VPC',
    name: 'vpc-1',
    edit: (s) => (deep(s).subnets.default.dhcp.range = { start: '10.0.1.200', end: '10.0.1.100' }),
    field: 'spec.subnets.default.dhcp.range',
    message: /start must be below its end/,
  },
  {
    rule: 'DHCP option MTU',
    kind: 'VPC',
    name: 'vpc-1',
    edit: (s) => (deep(s).subnets.default.dhcp.options = { interfaceMTU: 9500, leaseTimeSeconds: 60 }),
    field: 'spec.subnets.default.dhcp.options.interfaceMTU',
    message: /between 96 and 9036/,
  },
  {
    rule: 'DHCP static MAC',
    kind: 'VPC',
    name: 'vpc-1',
    edit: (s) => (deep(s).subnets.default.dhcp.static = { 'not-a-mac': { ip: '10.0.1.50' } }),
    field: 'spec.subnets.default.dhcp.static["not-a-mac"]',
    message: /not a MAC/,
  },
  {
    rule: 'DHCP relay not with enable',
    kind: 'VPC',
    name: 'vpc-1',
    edit: (s) => (deep(s).subnets.default.dhcp.relay = '10.9.9.9/32'),
    field: 'spec.subnets.default.dhcp.relay',
    message: /cannot be combined with enable/,
  },
  {
    rule: 'permit names 2 subnets',
    kind: 'VPC',
    name: 'vpc-1',
    edit: (s) => (s['permit'] = [['default', 'default']]),
    field: 'spec.permit[0]',
    message: /at least 2 distinct subnets/,
  },
  {
    rule: 'static route prefix',
    kind: 'VPC',
    name: 'vpc-2',
    edit: (s) => (s['staticRoutes'] = [{ prefix: '10.1.0.1/16', nextHops: ['10.0.3.5'] }]),
    field: 'spec.staticRoutes[0].prefix',
    message: /network address/,
  },
  {
    rule: 'subnet inside IPv4Namespace',
    kind: 'VPC',
    name: 'vpc-2',
    edit: (s) => (deep(s).subnets.default.subnet = '10.9.3.0/24'),
    field: 'spec.subnets.default.subnet',
    message: /not inside any prefix of IPv4Namespace default/,
  },
  {
    rule: 'no overlap across VPCs of a namespace',
    kind: 'VPC',
    name: 'vpc-2',
    edit: (s) => (deep(s).subnets.default.subnet = '10.0.2.0/24'),
    field: 'spec.subnets.default.subnet',
    message: /overlaps subnet db of VPC vpc-1/,
  },
  {
    rule: 'VLAN inside VLANNamespace',
    kind: 'VPC',
    name: 'vpc-2',
    edit: (s) => (deep(s).subnets.default.vlan = 3001),
    field: 'spec.subnets.default.vlan',
    message: /outside the ranges of VLANNamespace default/,
  },
  {
    rule: 'VLAN unique per namespace',
    kind: 'VPC',
    name: 'vpc-2',
    edit: (s) => (deep(s).subnets.default.vlan = 1002),
    field: 'spec.subnets.default.vlan',
    message: /already used by vpc-1\/db/,
  },
  // VPCAttachment, VPCPeering, ExternalPeering (§1.4, §2.2, §2.3, §2.7)
  {
    rule: 'attachment subnet exists',
    kind: 'VPCAttachment',
    name: 'vpc-1--srv-1',
    edit: (s) => (s['subnet'] = 'vpc-1/nope'),
    field: 'spec.subnet',
    message: /VPC vpc-1 has no subnet nope/,
  },
  {
    rule: 'attachment connection type',
    kind: 'VPCAttachment',
    name: 'vpc-1--srv-1',
    edit: (s) => (s['connection'] = 'leaf-2--external'),
    field: 'spec.connection',
    message: /only to unbundled, bundled or eslag connections, not external/,
  },
  {
    rule: 'p2p-link is /31',
    kind: 'VPCAttachment',
    name: 'vpc-1--srv-1',
    edit: (_s, m) => (m.metadata.annotations = { 'fabric.githedgehog.com/p2p-link': '10.0.0.0/30' }),
    field: 'metadata.annotations["fabric.githedgehog.com/p2p-link"]',
    message: /IPv4 \/31/,
  },
  {
    rule: 'peering has exactly 2 VPCs',
    kind: 'VPCPeering',
    name: 'vpc-1--vpc-2',
    edit: (s) => (s['permit'] = [{ 'vpc-1': {} }]),
    field: 'spec.permit[0]',
    message: /exactly 2 VPCs, this one names 1/,
  },
  {
    rule: 'peering remote empty',
    kind: 'VPCPeering',
    name: 'vpc-1--vpc-2',
    edit: (s) => (s['remote'] = 'border'),
    field: 'spec.remote',
    message: /deprecated/,
  },
  {
    rule: 'VPC namespace exists',
    kind: 'VPC',
    name: 'vpc-2',
    edit: (s) => (s['vlanNamespace'] = 'other'),
    field: 'spec.vlanNamespace',
    message: /spec.vlanNamespace: VLANNamespace other does not exist/,
  },
  {
    rule: 'peered VPCs share namespaces',
    kind: 'VPC',
    name: 'vpc-2',
    edit: (s) => (s['vlanNamespace'] = 'other'),
    field: 'spec.permit',
    message: /must share IPv4Namespace and VLANNamespace/,
    extra: [
      {
        apiVersion: 'wiring.githedgehog.com/v1beta1',
        kind: 'VLANNamespace',
        metadata: { name: 'other' },
        spec: { ranges: [{ from: 1000, to: 1100 }] },
      },
    ],
  },
  {
    rule: 'external peering prefix',
    kind: 'ExternalPeering',
    name: 'vpc-1--ext-1',
    edit: (s) => (deep(s).permit.external.prefixes = [{ prefix: 'everything' }]),
    field: 'spec.permit.external.prefixes[0].prefix',
    message: /IPv4 CIDR/,
  },
  // External, ExternalAttachment (§2.5, §2.6)
  {
    rule: 'community format',
    kind: 'External',
    name: 'ext-1',
    edit: (s) => (s['inboundCommunity'] = '65536:1'),
    field: 'spec.inboundCommunity',
    message: /<0-65535>:<0-65535>/,
  },
  {
    rule: 'static External without communities',
    kind: 'External',
    name: 'ext-1',
    edit: (s) => (s['static'] = { prefixes: ['0.0.0.0/0'] }),
    field: 'spec.inboundCommunity',
    message: /must be empty on a static External/,
  },
  {
    rule: 'BGP attachment needs neighbor',
    kind: 'ExternalAttachment',
    name: 'leaf-2--ext-1',
    edit: (s) => (s['neighbor'] = { asn: 64102 }),
    field: 'spec.neighbor.ip',
    message: /neighbor.ip/,
  },
  {
    rule: 'static attachment on a BGP External',
    kind: 'ExternalAttachment',
    name: 'leaf-2--ext-1',
    edit: (s) =>
      Object.assign(s, { switch: {}, neighbor: {}, static: { remoteIP: '100.1.0.6', ip: '100.1.0.2/24' } }),
    field: 'spec.static',
    message: /External ext-1 is BGP/,
  },
  {
    rule: 'static attachment: ip or proxy',
    kind: 'ExternalAttachment',
    name: 'leaf-2--ext-1',
    edit: (s) =>
      Object.assign(s, {
        switch: {},
        neighbor: {},
        static: { remoteIP: '100.1.0.6', ip: '100.1.0.2/24', proxy: true },
      }),
    field: 'spec.static',
    message: /exactly one of ip or proxy/,
  },
  {
    rule: 'ACL seq at least 10',
    kind: 'ExternalAttachment',
    name: 'leaf-2--ext-1',
    edit: (s) =>
      (s['inboundACL'] = {
        statements: [{ seq: 5, action: 'permit', protocol: 'ip', srcPrefix: 'any', dstPrefix: 'any' }],
      }),
    field: 'spec.inboundACL.statements[0].seq',
    message: /at least 10/,
  },
  {
    rule: 'ACL tcpFilters only with tcp',
    kind: 'ExternalAttachment',
    name: 'leaf-2--ext-1',
    edit: (s) =>
      (s['inboundACL'] = {
        statements: [
          {
            seq: 10,
            action: 'deny',
            protocol: 'udp',
            srcPrefix: 'any',
            dstPrefix: '10.0.0.0/8',
            tcpFilters: { syn: true },
          },
        ],
      }),
    field: 'spec.inboundACL.statements[0].tcpFilters',
    message: /only allowed with protocol tcp/,
  },
  {
    rule: 'ACL port range',
    kind: 'ExternalAttachment',
    name: 'leaf-2--ext-1',
    edit: (s) =>
      (s['inboundACL'] = {
        statements: [
          {
            seq: 10,
            action: 'permit',
            protocol: 'tcp',
            srcPrefix: 'any',
            dstPrefix: 'any',
            portRangeBegin: 90,
            portRangeEnd: 80,
          },
        ],
      }),
    field: 'spec.inboundACL.statements[0].portRangeBegin',
    message: /1 ≤ portRangeBegin ≤ portRangeEnd/,
  },
  // Connection (§2.8)
  {
    rule: 'exactly one connection type',
    kind: 'Connection',
    name: 'leaf-2--external',
    edit: (s) =>
      (s['mesh'] = { links: [{ leaf1: { port: 'leaf-2/E1/9' }, leaf2: { port: 'leaf-1/E1/9' } }] }),
    field: 'spec',
    message: /sets mesh, external|sets external, mesh/,
  },
  {
    rule: 'port used by one connection (E1/4 vs E1/4/1)',
    kind: 'Connection',
    name: 'leaf-2--external',
    edit: (s) => (deep(s).external.link.switch.port = 'leaf-1/E1/1'),
    field: 'spec.external.link.switch.port',
    message: /port leaf-1\/E1\/1 is already used by connection srv-1--unbundled--leaf-1/,
  },
  {
    rule: 'breakout sub-port collides with whole port',
    kind: 'Connection',
    name: 'leaf-2--external',
    edit: (s) => (deep(s).external.link.switch.port = 'leaf-1/E1/1/2'),
    field: 'spec.external.link.switch.port',
    message: /already used by connection srv-1--unbundled--leaf-1 \(leaf-1\/E1\/1 /,
  },
  {
    rule: 'port format',
    kind: 'Connection',
    name: 'leaf-2--external',
    edit: (s) => (deep(s).external.link.switch.port = 'E1/5'.replace('/', '')),
    field: 'spec.external.link.switch.port',
    message: /<device>\/<port>/,
  },
  {
    rule: 'vpcLoopback on one switch',
    kind: 'Connection',
    name: 'leaf-1--vpc-loopback',
    edit: (s) => (deep(s).vpcLoopback.links[0].switch2.port = 'leaf-2/E1/3/2'),
    field: 'spec.vpcLoopback',
    message: /stay on one switch/,
  },
  {
    rule: 'fabric link /31 pair',
    kind: 'Connection',
    name: 'spine-1--fabric--leaf-1',
    edit: (s) => (deep(s).fabric.links[0].leaf.ip = '172.30.128.3/31'),
    field: 'spec.fabric.links[0]',
    message: /same \/31/,
  },
  {
    rule: 'fabric joins 2 switches',
    kind: 'Connection',
    name: 'spine-1--fabric--leaf-1',
    edit: (s) => (deep(s).fabric.links[0].leaf.port = 'spine-1/E1/2'),
    field: 'spec.fabric',
    message: /joins 2 switches, this one joins 1/,
  },
  {
    rule: 'unbundled MTU limit',
    kind: 'Connection',
    name: 'srv-1--unbundled--leaf-1',
    edit: (s) => (deep(s).unbundled.mtu = 9100),
    field: 'spec.unbundled.mtu',
    message: /exceeds the server-facing limit 9036/,
  },
  {
    rule: 'endpoint switch exists',
    kind: 'Connection',
    name: 'leaf-2--external',
    edit: (s) => (deep(s).external.link.switch.port = 'leaf-9/E1/5'),
    field: 'spec.external.link.switch.port',
    message: /Switch leaf-9 does not exist/,
  },
  {
    rule: 'eslag switches share a redundancy group',
    kind: 'Switch',
    name: 'leaf-2',
    edit: (s) => delete s['redundancy'],
    field: 'spec.eslag',
    message: /one redundancy group of type eslag/,
  },
  {
    rule: 'attached switches list the VLANNamespace',
    kind: 'Switch',
    name: 'leaf-1',
    edit: (s) => (s['vlanNamespaces'] = ['other']),
    field: 'spec.connection',
    message: /switch leaf-1 .* does not list VLANNamespace default of VPC vpc-1/,
    extra: [
      {
        apiVersion: 'wiring.githedgehog.com/v1beta1',
        kind: 'VLANNamespace',
        metadata: { name: 'other' },
        spec: { ranges: [{ from: 100, to: 200 }] },
      },
    ],
  },
  {
    rule: 'link IPs unique fabric-wide',
    kind: 'Connection',
    name: 'spine-1--fabric--leaf-1',
    edit: (s) =>
      deep(s).fabric.links.push({
        spine: { port: 'spine-1/E1/2', ip: '172.30.128.0/31' },
        leaf: { port: 'leaf-2/E1/8', ip: '172.30.128.1/31' },
      }),
    field: 'spec.fabric.links[1].spine.ip',
    message: /link IP 172.30.128.0 is already used by this connection at spec.fabric.links\[0\].spine.ip/,
  },
  // Switch, VLANNamespace, IPv4Namespace (§2.4, §2.9, §2.12)
  {
    rule: 'redundancy both or neither',
    kind: 'Switch',
    name: 'leaf-1',
    edit: (s) => (s['redundancy'] = { group: 'eslag-1' }),
    field: 'spec.redundancy',
    message: /set together/,
  },
  {
    rule: 'switch profile exists',
    kind: 'Switch',
    name: 'leaf-1',
    edit: (s) => (s['profile'] = 'nope'),
    field: 'spec.profile',
    message: /spec.profile: SwitchProfile nope does not exist/,
  },
  {
    rule: 'switch group exists',
    kind: 'Switch',
    name: 'leaf-1',
    edit: (s) => (s['groups'] = ['missing']),
    field: 'spec.groups[0]',
    message: /SwitchGroup missing does not exist/,
  },
  {
    rule: 'protocolIP is /32',
    kind: 'Switch',
    name: 'leaf-1',
    edit: (s) => (s['protocolIP'] = '172.30.8.1/24'),
    field: 'spec.protocolIP',
    message: /must be a \/32/,
  },
  {
    rule: 'VLAN range within 1..4094',
    kind: 'VLANNamespace',
    name: 'default',
    edit: (s) => (s['ranges'] = [{ from: 1000, to: 5000 }]),
    field: 'spec.ranges[0]',
    message: /1 ≤ from ≤ to ≤ 4094/,
  },
  {
    rule: 'VLAN range clear of reserved',
    kind: 'VLANNamespace',
    name: 'default',
    edit: (s) => (s['ranges'] = [{ from: 1000, to: 3100 }]),
    field: 'spec.ranges[0]',
    message: /fabric-reserved VLANs 3000-3999/,
  },
  {
    rule: 'IPv4Namespace at most 10 subnets',
    kind: 'IPv4Namespace',
    name: 'default',
    edit: (s) => (s['subnets'] = Array.from({ length: 11 }, (_, i) => `10.${i}.0.0/16`)),
    field: 'spec.subnets',
    message: /at most 10 subnets/,
  },
  {
    rule: 'IPv4Namespace subnets do not overlap',
    kind: 'IPv4Namespace',
    name: 'default',
    edit: (s) => (s['subnets'] = ['10.0.0.0/16', '10.0.128.0/17']),
    field: 'spec.subnets[1]',
    message: /overlaps 10.0.0.0\/16/,
  },
  {
    rule: 'IPv4Namespace avoids reserved subnets',
    kind: 'IPv4Namespace',
    name: 'default',
    edit: (s) => (s['subnets'] = ['10.0.0.0/16', '172.30.0.0/16']),
    field: 'spec.subnets[1]',
    message: /fabric-reserved/,
    options: { reservedSubnets: ['172.30.0.0/21'] },
  },
];

describe.each(CASES)('rule: $rule', ({ kind, name, edit, field, message, options, extra = [] }) => {
  it('accepts the valid fabric', () => {
    expect(validateManifests(sourced(miniFabric()), options)).toEqual([]);
  });
  it(`reports ${field}`, () => {
    const manifests = [...fabricWith(kind, name, (m) => edit(m.spec!, m)), ...extra];
    const issues = validateManifests(sourced(manifests), options);
    expect(issues).toContainEqual(
      expect.objectContaining({ field, message: expect.stringMatching(message) }),
    );
    expect(issues.every((i) => i.file && i.line && i.kind && i.name)).toBe(true);
  });
});

describe('options', () => {
  it('accepts a profile the fabric knows besides the built-in ones', () => {
    const manifests = fabricWith('Switch', 'leaf-1', (m) => (m.spec!['profile'] = 'lab-custom'));
    expect(validateManifests(sourced(manifests), { knownProfiles: ['lab-custom'] })).toEqual([]);
  });
  it('accepts reserved VLANs moved by the fabric config', () => {
    const manifests = fabricWith(
      'VLANNamespace',
      'default',
      (m) => (m.spec!['ranges'] = [{ from: 1000, to: 3100 }]),
    );
    expect(validateManifests(sourced(manifests), { reservedVlans: [{ from: 3500, to: 3999 }] })).toEqual([]);
  });
});
