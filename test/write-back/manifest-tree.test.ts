/** Editing a fabric's files in memory: untouched text stays byte for byte, edits keep comments and order. */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { ManifestFile } from '../../src/git/types.js';
import { ManifestTree } from '../../src/sync/write-back/manifest-tree.js';
import { adoptableManifest } from '../../src/sync/write-back/live-object.js';
import { DIR, NAMESPACES, VPC_1, VPC_2, VPCS, vpcSpec } from './fabric-files.js';

const VPC_API = 'vpc.githedgehog.com/v1beta1';
const COMMIT = 'a'.repeat(40);
const vpcRef = (name: string) => ({ kind: 'VPC', namespace: 'default', name });

function tree(extra: Record<string, string> = {}): ManifestTree {
  const all = { [`${DIR}/namespaces.yaml`]: NAMESPACES, [`${DIR}/vpcs.yaml`]: VPCS, ...extra };
  const files: ManifestFile[] = Object.entries(all).map(([path, content]) => ({ path, content, oid: path }));
  return new ManifestTree(DIR, COMMIT, files);
}

const contentOf = (t: ManifestTree, path: string) => t.changes().find((c) => c.path === path)?.content;

describe('ManifestTree', () => {
  it('starts valid and changes nothing until edited', () => {
    const t = tree();
    expect(t.validate()).toEqual([]);
    expect(t.changes()).toEqual([]);
  });

  it('patches one document: its comments and key order stay, the other document is untouched', () => {
    const t = tree();
    t.update(vpcRef('vpc-2'), {
      metadata: { labels: { team: 'red' } },
      spec: { subnets: { default: { vlan: 1012 }, extra: { subnet: '10.0.12.0/24', vlan: 1013 } } },
    });
    const out = contentOf(t, `${DIR}/vpcs.yaml`)!;
    expect(out.startsWith(VPC_1)).toBe(true);
    const second = out.slice(VPC_1.length);
    expect(second).toContain('# the second tenant');
    expect(parse(second)).toMatchObject({
      metadata: { name: 'vpc-2', labels: { team: 'red' } },
      spec: { subnets: { default: { subnet: '10.0.2.0/24', vlan: 1012 }, extra: { vlan: 1013 } } },
    });
    expect(Object.keys(parse(second).spec.subnets)).toEqual(['default', 'extra']);
    expect(t.validate()).toEqual([]);
  });

  it('keeps a trailing comment and quoting of a scalar it replaces; null removes a key', () => {
    const t = tree();
    t.update(vpcRef('vpc-1'), {
      metadata: { labels: { team: null } },
      spec: { subnets: { default: { vlan: 1005 } } },
    });
    const first = contentOf(t, `${DIR}/vpcs.yaml`)!.split('---')[0]!;
    expect(first).toContain('vlan: 1005\n');
    expect(first).toContain('subnet: 10.0.1.0/24 # first subnet');
    expect(first).toContain('# Tenant VPCs, one document each');
    expect(first).not.toContain('team');
    expect(contentOf(t, `${DIR}/vpcs.yaml`)!.endsWith(VPC_2)).toBe(true);
  });

  it('appends a new object to <directory>/<plural>.yaml, or creates that file', () => {
    const t = tree();
    t.create({ apiVersion: VPC_API, kind: 'VPC', metadata: { name: 'vpc-3' }, spec: vpcSpec(3, 1003) });
    t.create({
      apiVersion: VPC_API,
      kind: 'VPCPeering',
      metadata: { name: 'vpc-1--vpc-3' },
      spec: { permit: [{ 'vpc-1': {}, 'vpc-3': {} }] },
    });
    const vpcs = contentOf(t, `${DIR}/vpcs.yaml`)!;
    expect(vpcs.startsWith(VPCS)).toBe(true);
    expect(vpcs.slice(VPCS.length)).toMatch(/^---\napiVersion: vpc.githedgehog.com\/v1beta1\nkind: VPC\n/);
    expect(parse(contentOf(t, `${DIR}/vpcpeerings.yaml`)!)).toMatchObject({ kind: 'VPCPeering' });
    expect(t.validate()).toEqual([]);
  });

  it('refuses to create an object that exists, naming the file that holds it', () => {
    const t = tree();
    expect(() =>
      t.create({
        apiVersion: VPC_API,
        kind: 'VPC',
        metadata: { name: 'vpc-1', namespace: 'default' },
        spec: {},
      }),
    ).toThrow(/VPC\/default\/vpc-1 already exists in fabrics\/east\/vpcs.yaml/);
  });

  it('deletes a document, and the file once no object is left in it', () => {
    const t = tree({
      [`${DIR}/single.yaml`]: `# lonely\n${VPC_2.replace(/vpc-2/g, 'vpc-4').replace('1002', '1004').replace('10.0.2', '10.0.4')}`,
    });
    t.delete(vpcRef('vpc-1'));
    t.delete(vpcRef('vpc-4'));
    expect(contentOf(t, `${DIR}/vpcs.yaml`)).toBe(VPC_2);
    expect(t.changes()).toContainEqual({ path: `${DIR}/single.yaml`, content: null });
    expect(() => t.update(vpcRef('vpc-1'), { spec: {} })).toThrow(/VPC\/default\/vpc-1 is not in/);
  });

  it('finds an object by identity in whichever file holds it, and validates the whole result', () => {
    const t = tree();
    t.update(vpcRef('vpc-1'), { spec: { subnets: { default: { vlan: 2500 } } } });
    const issues = t.validate();
    expect(issues.length).toBeGreaterThan(0);
    expect(issues[0]).toMatchObject({ file: `${DIR}/vpcs.yaml`, kind: 'VPC', name: 'vpc-1' });
  });
});

describe('adoptableManifest', () => {
  it('keeps the export model and drops what the server, the fabric and fabric-sync add', () => {
    const live = {
      apiVersion: VPC_API,
      kind: 'VPC',
      metadata: {
        name: 'vpc-9',
        namespace: 'default',
        uid: 'u-1',
        resourceVersion: '17',
        generation: 3,
        creationTimestamp: '2026-01-01T00:00:00Z',
        managedFields: [{ manager: 'kubectl' }],
        labels: {
          team: 'green',
          'fabric.githedgehog.com/vpc': 'vpc-9',
          'app.kubernetes.io/managed-by': 'fabric-sync',
          'fabric-sync.io/fabric': 'east',
        },
        annotations: { note: 'kept', 'kubectl.kubernetes.io/last-applied-configuration': '{}' },
      },
      spec: vpcSpec(9, 1009),
      status: { ready: true },
    };
    expect(adoptableManifest(live)).toEqual({
      apiVersion: VPC_API,
      kind: 'VPC',
      metadata: {
        name: 'vpc-9',
        namespace: 'default',
        labels: { team: 'green' },
        annotations: { note: 'kept' },
      },
      spec: vpcSpec(9, 1009),
    });
  });
});
