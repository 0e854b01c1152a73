/**
 * What every diagram format draws, from a fabric's topology (domain/topology.ts): switches grouped
 * by role (spines first, then leaves), servers, and one edge per link labelled with its connection,
 * type and ports. Keys are `n0`, `n1`, … (`x0`, … for the far end of a link leaving the fabric), so
 * no name ever has to be an identifier; names appear only in labels, which each format escapes.
 */
import type { Topology, TopologyLink, TopologyNode } from '../topology.js';

export interface DiagramNode {
  readonly key: string;
  readonly label: string;
}

export interface DiagramGroup {
  readonly key: string;
  readonly title: string;
  readonly nodes: readonly DiagramNode[];
}

export interface DiagramEdge {
  readonly key: string;
  readonly from: string;
  readonly to: string;
  /** Lines separated by "\n": the connection and its type, then one line per port pair. */
  readonly label: string;
}

export interface DiagramModel {
  readonly title: string;
  readonly groups: readonly DiagramGroup[];
  readonly edges: readonly DiagramEdge[];
}

/** Roles in drawing order (REFERENCE's switch roles); others follow by name, then role-less switches. */
const ROLE_ORDER = ['spine', 'border-leaf', 'server-leaf', 'mixed-leaf', 'virtual-edge'];
const NO_ROLE = 'switch (no role)';
const SERVERS = 'servers';
const EXTERNAL = 'external';

/**
 * Text as every format can carry it: one newline convention, and no control characters (XML 1.0
 * cannot hold most of them at all), each replaced by U+FFFD, as are lone surrogates.
 */
export function printable(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/[\u0000-\u0008\u000B-\u001F\u007F\uFFFE\uFFFF]/g, '\uFFFD')
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

const groupTitleOf = (node: TopologyNode): string =>
  node.kind === 'Server' ? SERVERS : (node.role ?? NO_ROLE);

function groupRank(title: string): [number, string] {
  const role = ROLE_ORDER.indexOf(title);
  if (role >= 0) return [role, ''];
  const last = [NO_ROLE, SERVERS, EXTERNAL].indexOf(title);
  return last >= 0 ? [ROLE_ORDER.length + 1 + last, ''] : [ROLE_ORDER.length, title];
}

const byGroupOrder = (a: string, b: string) => {
  const [ra, na] = groupRank(a);
  const [rb, nb] = groupRank(b);
  return ra - rb || na.localeCompare(nb);
};

function edgeLabel(link: TopologyLink): string {
  const ports = link.ports.map((p) =>
    p.targetPort === null ? p.sourcePort : `${p.sourcePort} – ${p.targetPort}`,
  );
  return printable([`${link.connectionName} (${link.connectionType})`, ...ports].join('\n'));
}

export function diagramModel(title: string, topology: Topology): DiagramModel {
  const members = new Map<string, DiagramNode[]>();
  const keyOf = new Map<string, string>();
  const add = (group: string, node: DiagramNode) => members.set(group, [...(members.get(group) ?? []), node]);
  topology.nodes.forEach((node, i) => {
    keyOf.set(node.id, `n${i}`);
    add(groupTitleOf(node), { key: `n${i}`, label: printable(node.name) });
  });
  let externals = 0;
  const edges = topology.links.flatMap((link, i): DiagramEdge[] => {
    const from = keyOf.get(link.source);
    if (!from) return [];
    let to = link.target === null ? undefined : keyOf.get(link.target);
    if (link.target === null) {
      // The far end of a link leaving the fabric is no record: draw it as a node of its own.
      to = `x${externals++}`;
      add(EXTERNAL, { key: to, label: printable(`${link.connectionName} (far end)`) });
    }
    return to ? [{ key: `e${i}`, from, to, label: edgeLabel(link) }] : [];
  });
  const groups = [...members.keys()]
    .sort(byGroupOrder)
    .map((groupTitle, i) => ({ key: `g${i}`, title: groupTitle, nodes: members.get(groupTitle) ?? [] }));
  return { title: printable(title), groups, edges };
}
