// Webhook rules of the wiring kinds (REFERENCE §2.4, §2.8, §2.9, §2.12), one case each, and the options.
import { describe, expect, it } from 'vitest';
import { validateManifests } from '../../src/domain/validate.js';
import { fabricWith, sourced, vlanNamespace } from './mini-fabric.js';
import { describeRules, deep, type RuleCase } from './rule-cases.js';

const CASES: RuleCase[] = [
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
    extra: [vlanNamespace('other', 100, 200)],
  },
  {
    rule: "a switch's VLANNamespaces do not overlap",
    kind: 'Switch',
    name: 'leaf-1',
    edit: (s) => (s['vlanNamespaces'] = ['default', 'other']),
    field: 'spec.vlanNamespaces',
    message: /VLANNamespace default overlaps another VLANNamespace of this switch/,
    extra: [vlanNamespace('other', 2000, 2100)],
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

describeRules(CASES);

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
