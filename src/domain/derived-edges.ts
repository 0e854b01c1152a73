/**
 * Graph edges that no single reference makes but a path of references does (issue 11): a switch's
 * attachments are the attachments on the connections that include it, a server's VPCs are the VPCs of
 * the attachments on its connections. Each is a path over the reference kinds of reference-edges.ts,
 * walked one hop at a time so that every hop is one batched lookup for all records at once.
 */
import { EDGES, type EdgeName } from './reference-edges.js';

/** Follow a reference from the referring object (`out`) or back from its target (`in`). */
export interface Hop {
  readonly edge: EdgeName;
  readonly direction: 'out' | 'in';
}

export interface DerivedEdgeDef {
  /** The kind whose GraphQL type has the field. */
  readonly kind: string;
  readonly field: string;
  readonly path: readonly Hop[];
  /** The field names one record (or null), not a list. */
  readonly single: boolean;
  /** Leave the starting record out: a switch is not its own redundancy peer. */
  readonly excludeSelf: boolean;
}

const out = (edge: EdgeName): Hop => ({ edge, direction: 'out' });
const back = (edge: EdgeName): Hop => ({ edge, direction: 'in' });
const derived = (
  kind: string,
  field: string,
  path: Hop[],
  { single = false, excludeSelf = false } = {},
): DerivedEdgeDef => ({ kind, field, path, single, excludeSelf });

export const DERIVED_EDGES = {
  switchAttachments: derived('Switch', 'attachments', [
    back('connectionSwitch'),
    back('attachmentConnection'),
  ]),
  switchServers: derived('Switch', 'servers', [back('connectionSwitch'), out('connectionServer')]),
  // ESLAG and MCLAG peers name the same redundancy group (REFERENCE §2.8, §2.9); the SwitchGroup
  // object itself need not exist, so the walk goes by the group's name.
  switchRedundancyPeers: derived(
    'Switch',
    'redundancyPeers',
    [out('switchRedundancyGroup'), back('switchRedundancyGroup')],
    { excludeSelf: true },
  ),
  serverAttachments: derived('Server', 'attachments', [
    back('connectionServer'),
    back('attachmentConnection'),
  ]),
  serverVpcs: derived('Server', 'vpcs', [
    back('connectionServer'),
    back('attachmentConnection'),
    out('attachmentVpc'),
  ]),
  attachmentSwitches: derived('VPCAttachment', 'switches', [
    out('attachmentConnection'),
    out('connectionSwitch'),
  ]),
  attachmentServers: derived('VPCAttachment', 'servers', [
    out('attachmentConnection'),
    out('connectionServer'),
  ]),
  vpcServers: derived('VPC', 'servers', [
    back('attachmentVpc'),
    out('attachmentConnection'),
    out('connectionServer'),
  ]),
  // The switch of the `external` connection the attachment is on (REFERENCE §2.6).
  extAttachmentSwitch: derived(
    'ExternalAttachment',
    'switch',
    [out('extAttachmentConnection'), out('connectionSwitch')],
    { single: true },
  ),
} as const satisfies Record<string, DerivedEdgeDef>;

/** The kinds a path visits, starting with `kind`; throws when a hop does not start where the last ended. */
export function pathKinds(kind: string, path: readonly Hop[]): string[] {
  const kinds = [kind];
  for (const { edge, direction } of path) {
    const { fromKind, targetKind } = EDGES[edge];
    const [from, to] = direction === 'out' ? [fromKind, targetKind] : [targetKind, fromKind];
    if (from !== kinds.at(-1)) throw new Error(`${edge} (${direction}) does not start at ${kinds.at(-1)}`);
    kinds.push(to);
  }
  return kinds;
}

export interface NamedTarget {
  readonly kind: string;
  readonly name: string;
}

export interface WalkedRecord extends NamedTarget {
  readonly id: string;
}

/**
 * How a walk reads references, for many records at once (the API answers each call with one
 * batched lookup; tests with an in-memory index). Everything is within one fabric.
 */
export interface ReferenceReader<R extends WalkedRecord> {
  /** For each record, what it names along `edge` (whether it exists or not). */
  targets(records: readonly R[], edge: EdgeName): Promise<NamedTarget[][]>;
  /** For each name, the records that name it along `edge`. */
  sources(targets: readonly NamedTarget[], edge: EdgeName): Promise<R[][]>;
  /** The record each name names, or null. */
  records(targets: readonly NamedTarget[]): Promise<(R | null)[]>;
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const targetKey = (t: NamedTarget) => `${t.kind}/${t.name}`;
const uniqueBy = <T>(items: readonly T[], key: (item: T) => string): T[] => [
  ...new Map(items.map((item) => [key(item), item])).values(),
];
const isRecord = <R extends WalkedRecord>(node: R | NamedTarget): node is R => 'id' in node;

/** Names that are not records yet become records; names that name nothing drop out. */
async function asRecords<R extends WalkedRecord>(
  nodes: readonly (R | NamedTarget)[],
  read: ReferenceReader<R>,
): Promise<R[]> {
  const named = nodes.filter((n) => !isRecord(n));
  const found = named.length > 0 ? await read.records(named) : [];
  return [...nodes.filter(isRecord), ...found.filter((r): r is R => r !== null)];
}

/**
 * The records a derived edge reaches from `start`, each once, by kind and name. A hop back needs
 * only the name it arrives at, so a path through a group that names nothing (a redundancy group
 * without its SwitchGroup object) still finds the records that share the name.
 */
export async function followPath<R extends WalkedRecord>(
  start: R,
  def: DerivedEdgeDef,
  read: ReferenceReader<R>,
): Promise<R[]> {
  let nodes: (R | NamedTarget)[] = [start];
  for (const hop of def.path) {
    if (nodes.length === 0) return [];
    if (hop.direction === 'out') {
      const records = await asRecords(nodes, read);
      nodes = records.length > 0 ? uniqueBy((await read.targets(records, hop.edge)).flat(), targetKey) : [];
    } else {
      const names = uniqueBy(nodes, targetKey);
      nodes = uniqueBy((await read.sources(names, hop.edge)).flat(), (r) => r.id);
    }
  }
  const reached = await asRecords(uniqueBy(nodes, targetKey), read);
  return reached
    .filter((r) => !(def.excludeSelf && r.id === start.id))
    .sort((a, b) => compare(a.kind, b.kind) || compare(a.name, b.name));
}
