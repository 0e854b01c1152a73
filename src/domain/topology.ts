/**
 * The fabric drawn as a graph: switches and servers as nodes, each Connection's device pairs as
 * links with their ports, and which nodes each VPCAttachment puts into a VPC subnet. Built from the
 * records alone, in one pass, so the API can answer it from one read of the fabric.
 */
import {
  connectionEndpoints,
  connectionTypesOf,
  parsePortRef,
  type Endpoint,
} from './connection-endpoints.js';
import { isJsonObject, type JsonObject } from './manifest.js';
import { referencesOf } from './references.js';

/** The kinds the topology reads. */
export const TOPOLOGY_KINDS = ['Switch', 'Server', 'Connection', 'VPC', 'VPCAttachment'] as const;

export interface TopologyRecord {
  /** Opaque: the caller's id for the record, used to name nodes and links. */
  readonly id: string;
  readonly kind: string;
  readonly name: string;
  readonly spec: JsonObject;
}

export interface TopologyNode {
  readonly id: string;
  readonly kind: 'Switch' | 'Server';
  readonly name: string;
  /** Switch role: spine, server-leaf, border-leaf, …; null for servers. */
  readonly role: string | null;
  /** The switch's redundancy group (its ESLAG/MCLAG pair); null when it has none. */
  readonly group: string | null;
  readonly groups: string[];
}

/** SERVER: a switch to a server; SWITCH: between switches (or a loopback); EXTERNAL: leaves the fabric. */
export type TopologyLinkKind = 'SERVER' | 'SWITCH' | 'EXTERNAL';

export interface TopologyPorts {
  readonly sourcePort: string;
  /** Null on an EXTERNAL link. */
  readonly targetPort: string | null;
}

export interface TopologyLink {
  /** The Connection's id. */
  readonly connection: string;
  readonly connectionName: string;
  /** The Connection spec member: unbundled, eslag, fabric, vpcLoopback, external, … */
  readonly connectionType: string;
  readonly kind: TopologyLinkKind;
  /** A switch when the link has one (a spine before a leaf); the other end is the target. */
  readonly source: string;
  /** Null on an EXTERNAL link: its far end (an External, a gateway) is not a node. */
  readonly target: string | null;
  readonly ports: TopologyPorts[];
}

/** Ids, like node ids, are the callers' record ids. */
export interface VpcMembership {
  readonly vpc: string;
  readonly vpcName: string;
  readonly subnet: string;
  readonly attachment: string;
  readonly attachmentName: string;
  readonly connection: string;
  /** The nodes of the attached connection: its server(s) and switch(es). */
  readonly nodes: string[];
  readonly nativeVLAN: boolean;
}

export interface Topology {
  readonly nodes: TopologyNode[];
  readonly links: TopologyLink[];
  readonly vpcMemberships: VpcMembership[];
}

const text = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const texts = (v: unknown): string[] => (Array.isArray(v) ? v.filter((s) => typeof s === 'string') : []);

/** A switch or server record as its node. */
export function topologyNodeOf(r: TopologyRecord): TopologyNode {
  if (r.kind === 'Server')
    return { id: r.id, kind: 'Server', name: r.name, role: null, group: null, groups: [] };
  const redundancy = isJsonObject(r.spec['redundancy']) ? r.spec['redundancy'] : {};
  return {
    id: r.id,
    kind: 'Switch',
    name: r.name,
    role: text(r.spec['role']),
    group: text(redundancy['group']),
    groups: texts(r.spec['groups']),
  };
}

/** A link end that is a node of the fabric, with its port. */
interface End {
  readonly node: TopologyNode;
  readonly port: string;
}

/**
 * The ends of each link object of a connection (`spec.eslag.links[1]`), switches first. A link with
 * an end naming no record is left out: it is a dangling reference, not a link leaving the fabric.
 */
function linkEnds(spec: JsonObject, nodeByName: ReadonlyMap<string, TopologyNode>): End[][] {
  const byLink = new Map<string, End[] | null>();
  for (const endpoint of connectionEndpoints(spec)) {
    const link = linkPath(endpoint);
    if (endpoint.targetKind === 'Gateway') {
      if (!byLink.has(link)) byLink.set(link, []);
      continue;
    }
    const parsed = parsePortRef(endpoint.value);
    const node = parsed && nodeByName.get(`${endpoint.targetKind}/${parsed.device}`);
    const ends = byLink.get(link);
    if (!node || ends === null) byLink.set(link, null);
    else byLink.set(link, [...(ends ?? []), { node, port: parsed.port }]);
  }
  // Stable: within switches, the spec's own order (spine before leaf, switch1 before switch2).
  return [...byLink.values()].flatMap((ends) => (ends ? [ends.sort((a, b) => rank(a) - rank(b))] : []));
}

const rank = (end: End) => (end.node.kind === 'Switch' ? 0 : 1);
/** `spec.fabric.links[0].spine.port` → `spec.fabric.links[0]`. */
const linkPath = (endpoint: Endpoint) => endpoint.field.slice(0, -(endpoint.role.length + '..port'.length));

function linksOf(connection: TopologyRecord, nodeByName: ReadonlyMap<string, TopologyNode>): TopologyLink[] {
  const connectionType = connectionTypesOf(connection.spec)[0] ?? 'unknown';
  const byPair = new Map<string, { source: End; target: End | undefined; ports: TopologyPorts[] }>();
  for (const [source, target] of linkEnds(connection.spec, nodeByName)) {
    if (!source) continue;
    const pair = `${source.node.id} ${target?.node.id ?? ''}`;
    const link = byPair.get(pair) ?? { source, target, ports: [] };
    byPair.set(pair, link);
    link.ports.push({ sourcePort: source.port, targetPort: target?.port ?? null });
  }
  return [...byPair.values()].map(({ source, target, ports }) => ({
    connection: connection.id,
    connectionName: connection.name,
    connectionType,
    kind: !target ? 'EXTERNAL' : target.node.kind === 'Server' ? 'SERVER' : 'SWITCH',
    source: source.node.id,
    target: target?.node.id ?? null,
    ports,
  }));
}

function membershipOf(
  attachment: TopologyRecord,
  vpcByName: ReadonlyMap<string, TopologyRecord>,
  connectionByName: ReadonlyMap<string, { id: string; nodes: string[] }>,
): VpcMembership | undefined {
  const refs = referencesOf({
    apiVersion: '',
    kind: attachment.kind,
    metadata: { name: attachment.name },
    spec: attachment.spec,
  });
  const vpcRef = refs.find((r) => r.edge === 'attachmentVpc');
  const connectionRef = refs.find((r) => r.edge === 'attachmentConnection');
  const vpc = vpcRef && vpcByName.get(vpcRef.targetName);
  const connection = connectionRef && connectionByName.get(connectionRef.targetName);
  // A reference naming nothing is a dangling reference (Fabric.danglingReferences), not a membership.
  if (!vpc || !connection) return undefined;
  return {
    vpc: vpc.id,
    vpcName: vpc.name,
    subnet: vpcRef.subnet ?? 'default',
    attachment: attachment.id,
    attachmentName: attachment.name,
    connection: connection.id,
    nodes: connection.nodes,
    nativeVLAN: attachment.spec['nativeVLAN'] === true,
  };
}

const byKindThenName = (a: { kind: string; name: string }, b: { kind: string; name: string }) =>
  a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name);

/** The topology of the given records (other kinds are ignored). */
export function buildTopology(records: readonly TopologyRecord[]): Topology {
  const ofKind = (kind: string) => records.filter((r) => r.kind === kind);
  const nodes = records
    .filter((r) => r.kind === 'Switch' || r.kind === 'Server')
    .map(topologyNodeOf)
    .sort(byKindThenName);
  const nodeByName = new Map(nodes.map((n) => [`${n.kind}/${n.name}`, n]));
  const connectionByName = new Map<string, { id: string; nodes: string[] }>();
  const links: TopologyLink[] = [];
  for (const connection of ofKind('Connection').sort(byKindThenName)) {
    const own = linksOf(connection, nodeByName);
    links.push(...own);
    const members = new Set(own.flatMap((l) => (l.target ? [l.source, l.target] : [l.source])));
    connectionByName.set(connection.name, { id: connection.id, nodes: [...members] });
  }
  const vpcByName = new Map(ofKind('VPC').map((v) => [v.name, v]));
  const vpcMemberships = ofKind('VPCAttachment')
    .sort(byKindThenName)
    .flatMap((a) => membershipOf(a, vpcByName, connectionByName) ?? []);
  return { nodes, links, vpcMemberships };
}
