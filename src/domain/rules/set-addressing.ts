/**
 * Cross-object address and VLAN rules (REFERENCE §2.1, §2.9, §2.12): VPC subnets inside their
 * IPv4Namespace and not overlapping other VPCs there; VLANs inside the VLANNamespace and unique in
 * it; a switch's VLANNamespaces not overlapping. Grouped by namespace: no pass over all pairs.
 */
import { groupBy } from '../group-by.js';
import { containsPrefix, overlappingPairs, type Prefix } from '../ipv4.js';
import type { Manifest } from '../manifest.js';
import type { DesiredSet, SetFinding, SetRule, VlanRange } from './types.js';
import { entries, items, num, prefixAt, text } from './values.js';

interface VpcSubnet {
  readonly vpc: Manifest;
  readonly name: string;
  readonly prefix?: Prefix;
  readonly vlan: number;
}

const subnetsOf = (vpc: Manifest): VpcSubnet[] =>
  entries(vpc.spec, 'subnets').map(([name, s]) => ({
    vpc,
    name,
    prefix: prefixAt(s['subnet']),
    vlan: num(s['vlan']) ?? 0,
  }));

const nsOf = (field: 'ipv4Namespace' | 'vlanNamespace') => (s: VpcSubnet) => text(s.vpc.spec?.[field]);
const at = (s: VpcSubnet, key: string) => `spec.subnets.${s.name}.${key}`;

/** Subnets fit one prefix of their IPv4Namespace and overlap no other VPC's subnet in it. */
export const vpcSubnetsInNamespace: SetRule = (set) => {
  const subnets = set
    .ofKind('VPC')
    .flatMap((vpc) => set.derived(vpc, subnetsOf))
    .filter((s) => s.prefix);
  const found: SetFinding[] = [];
  for (const [ns, group] of groupBy(subnets, nsOf('ipv4Namespace'))) {
    const pool = items(set.index.get('IPv4Namespace')?.get(ns)?.spec, 'subnets').flatMap(
      (p) => prefixAt(p) ?? [],
    );
    if (set.index.get('IPv4Namespace')?.has(ns)) {
      for (const s of group.filter((s) => !pool.some((p) => containsPrefix(p, s.prefix!)))) {
        found.push({
          subject: s.vpc,
          field: at(s, 'subnet'),
          message: `subnet ${s.name} is not inside any prefix of IPv4Namespace ${ns}`,
        });
      }
    }
    for (const [a, b] of overlappingPairs(group.map((s) => s.prefix!))) {
      const [x, y] = [group[a]!, group[b]!];
      if (x.vpc === y.vpc) continue; // reported by the VPC's own rule
      found.push({
        subject: y.vpc,
        field: at(y, 'subnet'),
        message: `subnet ${y.name} overlaps subnet ${x.name} of VPC ${x.vpc.metadata.name} in IPv4Namespace ${ns}`,
      });
    }
  }
  return found;
};

const vlanRanges = (namespace: Manifest): VlanRange[] =>
  items(namespace.spec, 'ranges').map((r) => {
    const range = r as Record<string, unknown>;
    const from = typeof range['from'] === 'number' ? range['from'] : 0;
    return { from, to: typeof range['to'] === 'number' ? range['to'] : from };
  });

/** The ranges of a VLANNamespace, read once per namespace however many switches and VPCs name it. */
const rangesOf = (set: DesiredSet, ns: string): VlanRange[] => {
  const namespace = set.index.get('VLANNamespace')?.get(ns);
  return namespace ? set.derived(namespace, vlanRanges) : [];
};

/** VLANs lie in their VLANNamespace and are unique across all VPCs of that namespace. */
export const vpcVlansInNamespace: SetRule = (set) => {
  const subnets = set
    .ofKind('VPC')
    .flatMap((vpc) => set.derived(vpc, subnetsOf))
    .filter((s) => s.vlan !== 0);
  const found: SetFinding[] = [];
  for (const [ns, group] of groupBy(subnets, nsOf('vlanNamespace'))) {
    const ranges = rangesOf(set, ns);
    const known = set.index.get('VLANNamespace')?.has(ns) ?? false;
    const owner = new Map<number, VpcSubnet>();
    for (const s of group) {
      if (known && !ranges.some((r) => s.vlan >= r.from && s.vlan <= r.to)) {
        found.push({
          subject: s.vpc,
          field: at(s, 'vlan'),
          message: `VLAN ${s.vlan} is outside the ranges of VLANNamespace ${ns}`,
        });
      }
      const first = owner.get(s.vlan);
      if (first) {
        found.push({
          subject: s.vpc,
          field: at(s, 'vlan'),
          message: `VLAN ${s.vlan} is already used by ${first.vpc.metadata.name}/${first.name} in VLANNamespace ${ns}`,
        });
      } else owner.set(s.vlan, s);
    }
  }
  return found;
};

/** The VLANNamespaces one switch uses must not overlap each other. */
export const switchVlanNamespacesDisjoint: SetRule = (set) =>
  set.ofKind('Switch').flatMap((subject): SetFinding[] => {
    const names = items(subject.spec, 'vlanNamespaces').map(text);
    const ranges = names.flatMap((ns) => rangesOf(set, ns).map((r) => ({ ns, ...r })));
    const clash = ranges.find((a, i) =>
      ranges.some((b, j) => j > i && a.ns !== b.ns && a.from <= b.to && b.from <= a.to),
    );
    return clash
      ? [
          {
            subject,
            field: 'spec.vlanNamespaces',
            message: `VLANNamespace ${clash.ns} overlaps another VLANNamespace of this switch`,
          },
        ]
      : [];
  });
