import { describe, expect, it } from 'vitest';
import {
  DELETE_REFUSED_WHILE,
  ImpactWalk,
  deleteBlockers,
  type Impacted,
  type Named,
  type ReferenceRow,
} from '../../src/domain/impact.js';
import type { Manifest } from '../../src/domain/manifest.js';
import { EDGES } from '../../src/domain/reference-edges.js';
import { referencesOf } from '../../src/domain/references.js';
import { miniFabric } from './mini-fabric.js';

type Rec = Named;
const keyOf = (r: Named) => `${r.kind}/${r.name}`;

/** The reverse-reference index of `manifests`, as the API reads it from record_reference. */
function indexOf(manifests: readonly Manifest[]) {
  const records = new Map(
    manifests.map((m) => [`${m.kind}/${m.metadata.name}`, { kind: m.kind, name: m.metadata.name }]),
  );
  const rows = manifests.flatMap((m) =>
    referencesOf(m).map((r) => ({
      source: records.get(`${m.kind}/${m.metadata.name}`)!,
      edge: r.edge,
      field: r.field,
      targetKind: r.targetKind,
      targetName: r.targetName,
    })),
  );
  return {
    record: (kind: string, name: string) => records.get(`${kind}/${name}`)!,
    pointingAt: (targets: readonly Rec[]): ReferenceRow<Rec>[] => {
      const wanted = new Set(targets.map(keyOf));
      return rows.filter((r) => wanted.has(`${r.targetKind}/${r.targetName}`));
    },
    from: (sources: readonly Rec[]) =>
      rows
        .filter((r) => sources.includes(r.source) && records.has(`${r.targetKind}/${r.targetName}`))
        .map((r) => ({
          joiner: r.source,
          edge: r.edge,
          field: r.field,
          target: records.get(`${r.targetKind}/${r.targetName}`)!,
        })),
  };
}

/** The walk as the resolver drives it, level by level, against the in-memory index. */
function impactOf(kind: string, name: string, depth: number, limit?: number) {
  const index = indexOf(miniFabric());
  const walk = new ImpactWalk(index.record(kind, name), depth, limit);
  const levels: number[] = [];
  for (let frontier = walk.frontier(); frontier.length > 0; frontier = walk.frontier()) {
    levels.push(frontier.length);
    walk.addDependents(index.pointingAt(frontier));
  }
  walk.addJoined(index.from(walk.joiners()));
  return { walk, levels, index };
}

const paths = (entries: readonly Impacted<Rec>[]) =>
  entries.map((e) =>
    e.path.map((h) => `${h.relation === 'LOSES' ? '⇢' : ''}${h.kind}/${h.name}`).join(' → '),
  );

describe('ImpactWalk', () => {
  it('walks a switch to its connections, their attachments and the VPCs that lose them', () => {
    const { walk } = impactOf('Switch', 'leaf-1', 3);
    expect(paths(walk.entries())).toEqual([
      'Switch/leaf-1 → Connection/leaf-1--vpc-loopback',
      'Switch/leaf-1 → Connection/spine-1--fabric--leaf-1',
      'Switch/leaf-1 → Connection/srv-1--unbundled--leaf-1',
      'Switch/leaf-1 → Connection/srv-2--eslag--leaf-1--leaf-2',
      'Switch/leaf-1 → Connection/srv-1--unbundled--leaf-1 → VPCAttachment/vpc-1--srv-1',
      'Switch/leaf-1 → Connection/srv-2--eslag--leaf-1--leaf-2 → VPCAttachment/vpc-2--srv-2',
      'Switch/leaf-1 → Connection/srv-1--unbundled--leaf-1 → VPCAttachment/vpc-1--srv-1 → ⇢VPC/vpc-1',
      'Switch/leaf-1 → Connection/srv-2--eslag--leaf-1--leaf-2 → VPCAttachment/vpc-2--srv-2 → ⇢VPC/vpc-2',
    ]);
    const vpc = walk.entries().find((e) => e.record.name === 'vpc-1')!;
    expect(vpc.depth).toBe(3);
    expect(vpc.path.map((h) => [h.relation, h.edge, h.field])).toEqual([
      ['ROOT', null, null],
      ['DEPENDS_ON', 'connectionSwitch', 'spec.unbundled.link.switch.port'],
      ['DEPENDS_ON', 'attachmentConnection', 'spec.connection'],
      ['LOSES', 'attachmentVpc', 'spec.subnet'],
    ]);
  });

  it('stops at the depth: no level is fetched beyond it, and joined records count as one more hop', () => {
    const one = impactOf('Switch', 'leaf-1', 1);
    expect(one.levels).toEqual([1]);
    expect(one.walk.entries().every((e) => e.depth === 1 && e.record.kind === 'Connection')).toBe(true);
    const two = impactOf('Switch', 'leaf-1', 2);
    expect(two.levels).toEqual([1, 4]);
    expect(two.walk.entries().map((e) => e.record.kind)).not.toContain('VPC');
  });

  it('reports a VPC’s attachments and peerings, and what they join loses them', () => {
    const { walk } = impactOf('VPC', 'vpc-1', 3);
    expect(paths(walk.entries())).toEqual([
      'VPC/vpc-1 → ExternalPeering/vpc-1--ext-1',
      'VPC/vpc-1 → VPCAttachment/vpc-1--srv-1',
      'VPC/vpc-1 → VPCPeering/vpc-1--vpc-2',
      'VPC/vpc-1 → ExternalPeering/vpc-1--ext-1 → ⇢External/ext-1',
      'VPC/vpc-1 → VPCAttachment/vpc-1--srv-1 → ⇢Connection/srv-1--unbundled--leaf-1',
      'VPC/vpc-1 → VPCPeering/vpc-1--vpc-2 → ⇢VPC/vpc-2',
    ]);
  });

  it('lists each record once, with its shortest path, even when defaults make many paths', () => {
    const { walk } = impactOf('VLANNamespace', 'default', 3);
    const names = walk.entries().map((e) => keyOf(e.record));
    expect(new Set(names).size).toBe(names.length);
    const attachment = walk.entries().find((e) => e.record.name === 'vpc-1--srv-1')!;
    expect(paths([attachment])).toEqual(['VLANNamespace/default → VPC/vpc-1 → VPCAttachment/vpc-1--srv-1']);
    expect(paths(walk.entries().filter((e) => e.record.kind === 'ExternalAttachment'))).toEqual([
      'VLANNamespace/default → Switch/leaf-2 → Connection/leaf-2--external → ExternalAttachment/leaf-2--ext-1',
    ]);
  });

  it('cuts a large impact at the limit and says so', () => {
    const { walk } = impactOf('VLANNamespace', 'default', 3, 4);
    expect(walk.entries()).toHaveLength(4);
    expect(walk.truncated).toBe(true);
    expect(impactOf('VLANNamespace', 'default', 3).walk.truncated).toBe(false);
  });
});

describe('deleteBlockers (REFERENCE §1.7)', () => {
  const blockersOf = (kind: string, name: string) => {
    const index = indexOf(miniFabric());
    const root = index.record(kind, name);
    return deleteBlockers(root, index.pointingAt([root])).map((b) => `${b.record.kind}/${b.record.name}`);
  };

  it('refuses deleting what the webhooks protect while dependents exist', () => {
    expect(blockersOf('Switch', 'leaf-1')).toEqual([
      'Connection/leaf-1--vpc-loopback',
      'Connection/spine-1--fabric--leaf-1',
      'Connection/srv-1--unbundled--leaf-1',
      'Connection/srv-2--eslag--leaf-1--leaf-2',
    ]);
    expect(blockersOf('Server', 'srv-2')).toEqual(['Connection/srv-2--eslag--leaf-1--leaf-2']);
    expect(blockersOf('VPC', 'vpc-1')).toEqual([
      'ExternalPeering/vpc-1--ext-1',
      'VPCAttachment/vpc-1--srv-1',
      'VPCPeering/vpc-1--vpc-2',
    ]);
    expect(blockersOf('External', 'ext-1')).toEqual([
      'ExternalAttachment/leaf-2--ext-1',
      'ExternalPeering/vpc-1--ext-1',
    ]);
    expect(blockersOf('Connection', 'leaf-2--external')).toEqual(['ExternalAttachment/leaf-2--ext-1']);
    // Defaulted namespaces count: the webhook stores `default` in every Switch and VPC.
    expect(blockersOf('VLANNamespace', 'default')).toEqual([
      'Switch/leaf-1',
      'Switch/leaf-2',
      'Switch/spine-1',
      'VPC/vpc-1',
      'VPC/vpc-2',
    ]);
    expect(blockersOf('IPv4Namespace', 'default')).toEqual(['External/ext-1', 'VPC/vpc-1', 'VPC/vpc-2']);
  });

  it('lets a SwitchGroup go (it has no webhook) and a record nobody references', () => {
    expect(blockersOf('SwitchGroup', 'eslag-1')).toEqual([]);
    expect(blockersOf('VPCAttachment', 'vpc-1--srv-1')).toEqual([]);
  });

  it('explains each refusal with the dependent and the field it is named in', () => {
    const index = indexOf(miniFabric());
    const root = index.record('Connection', 'srv-1--unbundled--leaf-1');
    expect(deleteBlockers(root, index.pointingAt([root]))).toEqual([
      expect.objectContaining({
        edge: 'attachmentConnection',
        field: 'spec.connection',
        reason:
          'the webhook refuses deleting Connection srv-1--unbundled--leaf-1 while VPCAttachments are on it: VPCAttachment vpc-1--srv-1 (spec.connection)',
      }),
    ]);
  });

  it('protects exactly the references §1.7 lists, never a group, profile or relay', () => {
    expect(Object.keys(DELETE_REFUSED_WHILE).sort()).toEqual(
      Object.keys(EDGES)
        .filter(
          (e) =>
            !['vpcRelay', 'switchGroup', 'switchRedundancyGroup', 'switchProfile', 'serverProfile'].includes(
              e,
            ),
        )
        .sort(),
    );
  });
});
