import { describe, expect, it } from 'vitest';
import { findDanglingReferences } from '../../src/domain/dangling-references.js';
import type { Manifest } from '../../src/domain/manifest.js';
import { edgesFrom, edgesTo } from '../../src/domain/reference-edges.js';
import { edgeOf, referencesOf } from '../../src/domain/references.js';
import { validateManifests } from '../../src/domain/validate.js';
import { HAS_SHARED, loadSample } from './shared-data.js';

const m = (kind: string, name: string, spec: Manifest['spec']): Manifest => ({
  apiVersion: 'v',
  kind,
  metadata: { name },
  spec,
});

const summary = (obj: Manifest) =>
  referencesOf(obj).map((r) => [r.field, r.targetKind, r.targetName, r.port ?? r.subnet ?? r.role ?? '']);

describe('referencesOf', () => {
  it('reads a VPC attachment subnet as VPC + subnet, qualifying a bare VPC name with default', () => {
    expect(summary(m('VPCAttachment', 'a', { subnet: 'vpc-1/web', connection: 'c1' }))).toEqual([
      ['spec.subnet', 'VPC', 'vpc-1', 'web'],
      ['spec.connection', 'Connection', 'c1', ''],
    ]);
    expect(referencesOf(m('VPCAttachment', 'a', { subnet: 'vpc-1' }))[0]?.subnet).toBe('default');
  });

  it('names each connection endpoint with its device, port and role', () => {
    const conn = m('Connection', 'srv--unbundled--leaf', {
      unbundled: { link: { server: { port: 'srv/enp2s1' }, switch: { port: 'leaf/E1/4/1' } } },
    });
    expect(referencesOf(conn).map((r) => [r.field, r.targetKind, r.targetName, r.port, r.role])).toEqual([
      ['spec.unbundled.link.server.port', 'Server', 'srv', 'enp2s1', 'server'],
      ['spec.unbundled.link.switch.port', 'Switch', 'leaf', 'E1/4/1', 'switch'],
    ]);
  });

  it('reads fabric links, static-external withinVPC and skips gateway ends', () => {
    const fabric = m('Connection', 'f', {
      fabric: { links: [{ spine: { port: 's1/E1/1' }, leaf: { port: 'l1/E1/2' } }] },
    });
    expect(summary(fabric).map((r) => r[0])).toEqual([
      'spec.fabric.links[0].spine.port',
      'spec.fabric.links[0].leaf.port',
    ]);
    const gateway = m('Connection', 'g', {
      gateway: { links: [{ switch: { port: 's1/E1/1' }, gateway: { port: 'gw/eth0' } }] },
    });
    expect(summary(gateway)).toEqual([['spec.gateway.links[0].switch.port', 'Switch', 's1', 'E1/1']]);
    const se = m('Connection', 'se', {
      staticExternal: { link: { switch: { port: 's1/E1/3' } }, withinVPC: 'v1' },
    });
    expect(summary(se)[1]).toEqual(['spec.staticExternal.withinVPC', 'VPC', 'v1', '']);
  });

  it('defaults VPC namespaces and Switch vlanNamespaces to default, marking them defaulted', () => {
    const refs = referencesOf(m('VPC', 'v', { subnets: {} }));
    expect(refs.map((r) => [r.targetKind, r.targetName, r.defaulted])).toEqual([
      ['IPv4Namespace', 'default', true],
      ['VLANNamespace', 'default', true],
    ]);
    const sw = referencesOf(
      m('Switch', 's', { profile: 'vs', groups: ['g1'], redundancy: { group: 'r1', type: 'eslag' } }),
    );
    expect(sw.map((r) => [r.edge, r.targetName])).toEqual([
      ['switchGroup', 'g1'],
      ['switchRedundancyGroup', 'r1'],
      ['switchVlanNamespace', 'default'],
      ['switchProfile', 'vs'],
    ]);
  });

  it('reads peering VPC keys and their subnets, and external peering sides', () => {
    const peering = m('VPCPeering', 'p', { permit: [{ a: { subnets: ['s1'] }, b: {} }] });
    expect(summary(peering)).toEqual([
      ['spec.permit[0].a', 'VPC', 'a', ''],
      ['spec.permit[0].a.subnets[0]', 'VPC', 'a', 's1'],
      ['spec.permit[0].b', 'VPC', 'b', ''],
    ]);
    expect(referencesOf(peering).map((r) => r.refinesVpc ?? false)).toEqual([false, true, false]);
    const ext = m('ExternalPeering', 'e', {
      permit: { vpc: { name: 'a', subnets: ['x'] }, external: { name: 'ext' } },
    });
    expect(referencesOf(ext).map((r) => [r.edge, edgeOf(r).inverse])).toEqual([
      ['extPeeringVpc', 'externalPeerings'],
      ['extPeeringVpc', 'externalPeerings'],
      ['extPeeringExternal', 'peerings'],
    ]);
  });
});

describe('findDanglingReferences', () => {
  const vpc = m('VPC', 'v1', {
    ipv4Namespace: 'ns',
    vlanNamespace: 'vl',
    subnets: { web: { subnet: '10.0.0.0/24' } },
  });
  const namespaces = [m('IPv4Namespace', 'ns', {}), m('VLANNamespace', 'vl', {})];

  it('finds a missing target and a missing subnet of an existing VPC', () => {
    const attach = m('VPCAttachment', 'a', { subnet: 'v1/db', connection: 'nope' });
    const found = findDanglingReferences([vpc, ...namespaces, attach]).map((d) => d.message);
    expect(found).toEqual(['VPC v1 has no subnet db', 'Connection nope does not exist']);
  });

  it('treats built-in and known SwitchProfiles as existing, others as dangling', () => {
    const switches = ['vs', 'dell-s5248f-on', 'custom', 'other'].map((p) => m('Switch', p, { profile: p }));
    const vlan = m('VLANNamespace', 'default', {});
    const dangling = findDanglingReferences([vlan, ...switches], { knownProfiles: ['custom'] });
    expect(dangling.map((d) => d.message)).toEqual(['SwitchProfile other does not exist']);
  });
});

describe.skipIf(!HAS_SHARED)('references in the samples', () => {
  it.each(['lab-ci_env-ci-1_wiring.251b76f.yaml', 'lab-ci_env-ci-1_wiring.95ca77d.yaml'])(
    'the lab wiring %s has no dangling references',
    (file) => {
      expect(findDanglingReferences(loadSample(file).map((s) => s.manifest))).toEqual([]);
    },
  );

  it('the demo files point at connections of another lab (samples/README caveat)', () => {
    const demo = [
      ...loadSample('demo-gitops_env-1_pre-demo.yaml'),
      ...loadSample('demo-gitops_env-1_demo.yaml'),
    ];
    const lab = loadSample('lab-ci_env-ci-1_wiring.95ca77d.yaml');
    const dangling = findDanglingReferences([...lab, ...demo].map((s) => s.manifest));
    expect(dangling.map((d) => d.reference.targetName).sort()).toEqual([
      'server-1--mclag--s5248-01--s5248-02',
      'server-3--bundled--s5248-01',
      'server-4--unbundled--s5248-02',
    ]);
  });
});

describe('edge table', () => {
  it('lists outgoing and incoming edges per kind for the graph', () => {
    expect(edgesFrom('VPCAttachment').map(([name, e]) => [name, e.edge, e.targetKind])).toEqual([
      ['attachmentVpc', 'vpc', 'VPC'],
      ['attachmentConnection', 'connection', 'Connection'],
    ]);
    expect(edgesTo('Connection').map(([, e]) => `${e.fromKind}.${e.edge} ⇄ ${e.inverse}`)).toEqual([
      'VPCAttachment.connection ⇄ attachments',
      'ExternalAttachment.connection ⇄ externalAttachments',
    ]);
  });

  it('marks only the Server profile reference optional, and validation ignores it when dangling', () => {
    const server = m('Server', 's', { profile: 'not-there' });
    const [dangling] = findDanglingReferences([server]);
    expect(dangling?.reference.edge).toBe('serverProfile');
    expect(edgeOf(dangling!.reference).optional).toBe(true);
    const server2 = { ...server, apiVersion: 'wiring.githedgehog.com/v1beta1' };
    expect(
      validateManifests([{ manifest: server2, source: { file: 'f', line: 1, documentIndex: 0 } }]),
    ).toEqual([]);
  });
});
