// The topology drawing of the status page: an SVG in three rows (spines, other switches, servers),
// one line per link, a dashed stub for a link that leaves the fabric. Fed by the topology query;
// names are set with textContent, never parsed as HTML.

const SVG = 'http://www.w3.org/2000/svg';
const GAP = 64;
const ROW = 110;
const RADIUS = 9;

/** @param {string} tag @param {Record<string, string | number>} attributes */
function svg(tag, attributes = {}, children = []) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  node.append(...children);
  return node;
}

const rowOf = (node) => (node.kind === 'Server' ? 2 : node.role === 'spine' ? 0 : 1);

/** Mean x of each node's neighbours already placed: servers go under the switches they hang off. */
function barycenters(links, at) {
  const sums = new Map();
  for (const link of links) {
    const source = at.get(link.source);
    if (!link.target || !source) continue;
    const [n, total] = sums.get(link.target) ?? [0, 0];
    sums.set(link.target, [n + 1, total + source.x]);
  }
  return new Map([...sums].map(([id, [n, total]]) => [id, total / n]));
}

/** Positions every node: its row by kind and role; switches in name order, servers under their switches. */
function layout(nodes, links) {
  const rows = [[], [], []];
  for (const node of nodes) rows[rowOf(node)].push(node);
  const width = Math.max(1, ...rows.map((r) => r.length)) * GAP;
  const at = new Map();
  const place = (row, r) => {
    const step = width / Math.max(1, row.length);
    row.forEach((node, i) => at.set(node.id, { x: step * (i + 0.5), y: ROW * r + 30 }));
  };
  place(rows[0], 0);
  place(rows[1], 1);
  const under = barycenters(links, at);
  place(
    rows[2].sort((a, b) => (under.get(a.id) ?? width) - (under.get(b.id) ?? width)),
    2,
  );
  return { at, width, height: ROW * 2 + 70 };
}

/** VPC names per node id, for each node's tooltip. */
function vpcsByNode(memberships) {
  const byNode = new Map();
  for (const m of memberships)
    for (const id of m.nodes) byNode.set(id, new Set([...(byNode.get(id) ?? []), m.vpcName]));
  return byNode;
}

/** @param {{ nodes: any[], links: any[], vpcMemberships: any[] }} topology @returns {SVGSVGElement} */
export function topologyView(topology) {
  const { at, width, height } = layout(topology.nodes, topology.links);
  const vpcs = vpcsByNode(topology.vpcMemberships);
  const lines = topology.links.flatMap((link) => {
    const from = at.get(link.source);
    const to = link.target ? at.get(link.target) : { x: from?.x, y: (from?.y ?? 0) - 24 };
    if (!from || !to) return [];
    const ports = link.ports.map((p) => `${p.sourcePort}${p.targetPort ? ` ↔ ${p.targetPort}` : ''}`);
    return [
      svg(
        'line',
        { x1: from.x, y1: from.y, x2: to.x, y2: to.y, class: `link ${link.kind}`, 'data-kind': link.kind },
        [svg('title', {}, [`${link.connectionName} (${link.connectionType}): ${ports.join(', ')}`])],
      ),
    ];
  });
  const circles = topology.nodes.map((node) => {
    const { x, y } = at.get(node.id);
    const member = [...(vpcs.get(node.id) ?? [])];
    const tip = [node.name, node.role, node.group, member.length ? `VPCs: ${member.join(', ')}` : '']
      .filter(Boolean)
      .join(' · ');
    return svg('g', { class: `node ${node.kind}`, 'data-node': node.name, 'data-kind': node.kind }, [
      svg('circle', { cx: x, cy: y, r: RADIUS }),
      svg('text', { x, y: y + RADIUS + 12, 'text-anchor': 'middle' }, [node.name]),
      svg('title', {}, [tip]),
    ]);
  });
  return svg(
    'svg',
    {
      viewBox: `0 0 ${width} ${height}`,
      role: 'img',
      'aria-label': 'fabric topology',
      'data-nodes': topology.nodes.length,
    },
    [...lines, ...circles],
  );
}
