// A small valid fabric touching every kind and connection family, for the validation tests.
import type { Manifest } from '../../src/domain/manifest.js';
import type { SourcedManifest } from '../../src/domain/validation-types.js';

const WIRING = 'wiring.githedgehog.com/v1beta1';
const VPC = 'vpc.githedgehog.com/v1beta1';
const obj = (apiVersion: string, kind: string, name: string, spec: Manifest['spec']): Manifest => ({
  apiVersion,
  kind,
  metadata: { name },
  spec,
});
const port = (p: string) => ({ port: p });

/** A VLANNamespace of one range; the rule cases add a second namespace with it. */
export const vlanNamespace = (name: string, from: number, to: number): Manifest =>
  obj(WIRING, 'VLANNamespace', name, { ranges: [{ from, to }] });

export function miniFabric(): Manifest[] {
  return [
    vlanNamespace('default', 1000, 2999),
    obj(VPC, 'IPv4Namespace', 'default', { subnets: ['10.0.0.0/16'] }),
    obj(WIRING, 'SwitchGroup', 'eslag-1', {}),
    obj(WIRING, 'Switch', 'spine-1', { role: 'spine', profile: 'vs' }),
    obj(WIRING, 'Switch', 'leaf-1', {
      role: 'server-leaf',
      profile: 'vs',
      redundancy: { group: 'eslag-1', type: 'eslag' },
    }),
    obj(WIRING, 'Switch', 'leaf-2', {
      role: 'server-leaf',
      profile: 'vs',
      redundancy: { group: 'eslag-1', type: 'eslag' },
    }),
    obj(WIRING, 'Server', 'srv-1', {}),
    obj(WIRING, 'Server', 'srv-2', { description: 'two' }),
    obj(WIRING, 'Connection', 'srv-1--unbundled--leaf-1', {
      unbundled: { link: { server: port('srv-1/eth0'), switch: port('leaf-1/E1/1') }, mtu: 9000 },
    }),
    obj(WIRING, 'Connection', 'srv-2--eslag--leaf-1--leaf-2', {
      eslag: {
        links: [
          { server: port('srv-2/eth0'), switch: port('leaf-1/E1/2/1') },
          { server: port('srv-2/eth1'), switch: port('leaf-2/E1/2/1') },
        ],
      },
    }),
    obj(WIRING, 'Connection', 'spine-1--fabric--leaf-1', {
      fabric: {
        links: [
          {
            spine: { port: 'spine-1/E1/1', ip: '172.30.128.0/31' },
            leaf: { port: 'leaf-1/E1/8', ip: '172.30.128.1/31' },
          },
        ],
      },
    }),
    obj(WIRING, 'Connection', 'leaf-1--vpc-loopback', {
      vpcLoopback: { links: [{ switch1: port('leaf-1/E1/3/1'), switch2: port('leaf-1/E1/3/2') }] },
    }),
    obj(WIRING, 'Connection', 'leaf-2--external', { external: { link: { switch: port('leaf-2/E1/5') } } }),
    obj(VPC, 'External', 'ext-1', { inboundCommunity: '65101:3001', outboundCommunity: '3001:65101' }),
    obj(VPC, 'ExternalAttachment', 'leaf-2--ext-1', {
      external: 'ext-1',
      connection: 'leaf-2--external',
      switch: { vlan: 100, ip: '100.1.0.2/24' },
      neighbor: { asn: 64102, ip: '100.1.0.6' },
    }),
    obj(VPC, 'VPC', 'vpc-1', {
      subnets: {
        default: { subnet: '10.0.1.0/24', vlan: 1001, dhcp: { enable: true, range: { start: '10.0.1.10' } } },
        db: { subnet: '10.0.2.0/24', vlan: 1002 },
      },
      permit: [['default', 'db']],
    }),
    obj(VPC, 'VPC', 'vpc-2', { subnets: { default: { subnet: '10.0.3.0/24', vlan: 1003 } } }),
    obj(VPC, 'VPCAttachment', 'vpc-1--srv-1', {
      subnet: 'vpc-1/default',
      connection: 'srv-1--unbundled--leaf-1',
    }),
    obj(VPC, 'VPCAttachment', 'vpc-2--srv-2', {
      subnet: 'vpc-2',
      connection: 'srv-2--eslag--leaf-1--leaf-2',
    }),
    obj(VPC, 'VPCPeering', 'vpc-1--vpc-2', { permit: [{ 'vpc-1': { subnets: ['default'] }, 'vpc-2': {} }] }),
    obj(VPC, 'ExternalPeering', 'vpc-1--ext-1', {
      permit: {
        vpc: { name: 'vpc-1', subnets: ['default'] },
        external: { name: 'ext-1', prefixes: [{ prefix: '0.0.0.0/0' }] },
      },
    }),
  ];
}

/** Sources: one file per object, line = position × 10, so tests can check the reported place. */
export const sourced = (manifests: readonly Manifest[]): SourcedManifest[] =>
  manifests.map((manifest, i) => ({
    manifest,
    source: { file: `f${i}.yaml`, line: i * 10 + 1, documentIndex: 0 },
  }));

/** The mini fabric with one object changed by `edit` (found by kind and name). */
export function fabricWith(kind: string, name: string, edit: (m: Manifest) => void): Manifest[] {
  const all = miniFabric();
  const target = all.find((m) => m.kind === kind && m.metadata.name === name);
  if (!target) throw new Error(`no ${kind} ${name} in the mini fabric`);
  edit(target);
  return all;
}
