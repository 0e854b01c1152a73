/**
 * The kind registry: every Hedgehog kind fabric-sync knows, in apply order (architecture §4,
 * ../shared/hedgehog/REFERENCE.md §1.1 and §1.7). Deletes walk the table backwards.
 */
export const VPC_GROUP = 'vpc.githedgehog.com';
export const WIRING_GROUP = 'wiring.githedgehog.com';
export const API_VERSION = 'v1beta1';

export interface KindInfo {
  readonly kind: string;
  readonly group: string;
  readonly version: string;
  readonly plural: string;
  readonly singular: string;
  readonly shortNames: readonly string[];
  readonly categories: readonly string[];
  /** Synced from Git and applied by fabric-sync (false: reference data the fabric owns). */
  readonly managed: boolean;
  /** Longest name the fabric's webhook accepts (RFC 1123 subdomain otherwise: 253). */
  readonly maxNameLength: number;
}

const vpcKind = <K extends string>(
  kind: K,
  plural: string,
  shortNames: string[],
  extra: string[] = [],
  maxNameLength = 253,
) =>
  ({
    kind,
    group: VPC_GROUP,
    version: API_VERSION,
    plural,
    singular: kind.toLowerCase(),
    shortNames,
    categories: ['hedgehog', 'fabric', ...extra],
    managed: true,
    maxNameLength,
  }) as const;

const wiringKind = <K extends string>(kind: K, plural: string, shortNames: string[], managed = true) =>
  ({
    kind,
    group: WIRING_GROUP,
    version: API_VERSION,
    plural,
    singular: kind.toLowerCase(),
    shortNames,
    categories: ['hedgehog', 'wiring', 'fabric'],
    managed,
    maxNameLength: 253,
  }) as const;

/** The 12 managed kinds in apply order. */
export const KINDS = [
  wiringKind('VLANNamespace', 'vlannamespaces', ['vlanns']),
  vpcKind('IPv4Namespace', 'ipv4namespaces', ['ipns'], [], 11),
  wiringKind('SwitchGroup', 'switchgroups', ['sg']),
  wiringKind('Switch', 'switches', ['sw']),
  wiringKind('Server', 'servers', ['srv']),
  wiringKind('Connection', 'connections', ['conn']),
  vpcKind('External', 'externals', ['ext'], ['external'], 11),
  vpcKind('VPC', 'vpcs', [], [], 11),
  vpcKind('ExternalAttachment', 'externalattachments', ['extattach'], ['external']),
  vpcKind('VPCAttachment', 'vpcattachments', ['vpcattach']),
  vpcKind('VPCPeering', 'vpcpeerings', ['vpcpeer']),
  vpcKind('ExternalPeering', 'externalpeerings', ['extpeering', 'extpeer'], ['external']),
] as const satisfies readonly KindInfo[];

/** Kinds the fabric's controller owns; switches and servers reference them, fabric-sync never writes them. */
export const SUPPORTING_KINDS = [
  wiringKind('SwitchProfile', 'switchprofiles', ['sp'], false),
  wiringKind('ServerProfile', 'serverprofiles', [], false),
] as const satisfies readonly KindInfo[];

export type KindName = (typeof KINDS)[number]['kind'];
export type AnyKindName = KindName | (typeof SUPPORTING_KINDS)[number]['kind'];

export const KIND_NAMES: readonly KindName[] = KINDS.map((k) => k.kind);
const ALL: readonly KindInfo[] = [...KINDS, ...SUPPORTING_KINDS];
const BY_KIND = new Map<string, KindInfo>(ALL.map((k) => [k.kind, k]));

export const isKindName = (kind: string): kind is KindName => KIND_NAMES.includes(kind as KindName);

export function kindInfo(kind: string): KindInfo {
  const info = BY_KIND.get(kind);
  if (!info) throw new Error(`unknown kind ${kind}`);
  return info;
}

export const findKind = (kind: string): KindInfo | undefined => BY_KIND.get(kind);

export const apiVersionOf = (info: KindInfo): string => `${info.group}/${info.version}`;

/** Position in apply order; supporting kinds come first because they exist before anything else. */
export function applyRank(kind: string): number {
  const index = KIND_NAMES.indexOf(kind as KindName);
  return index === -1 ? -1 : index;
}

export interface ObjectRef {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
}

export const formatRef = (ref: ObjectRef): string => `${ref.kind}/${ref.namespace}/${ref.name}`;

/** Apply order, ties broken by name, so every plan is deterministic. */
export const byApplyOrder = (a: ObjectRef, b: ObjectRef): number =>
  applyRank(a.kind) - applyRank(b.kind) || a.name.localeCompare(b.name);

/** Groups refs into waves of equal rank: everything in one wave may be applied concurrently. */
export function applyWaves<T extends ObjectRef>(refs: readonly T[]): T[][] {
  const waves = new Map<number, T[]>();
  for (const ref of [...refs].sort(byApplyOrder)) {
    const rank = applyRank(ref.kind);
    const wave = waves.get(rank);
    if (wave) wave.push(ref);
    else waves.set(rank, [ref]);
  }
  return [...waves.values()];
}
