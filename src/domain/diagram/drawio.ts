/**
 * draw.io (diagrams.net) file: mxGraph XML, `<mxfile><diagram><mxGraphModel><root>` with the two
 * root cells draw.io expects, a swimlane per group (one row each, spines on top) holding its nodes,
 * and edges between nodes. Labels are plain text (`html=0`), so markup in a name stays text; every
 * attribute value is XML-escaped, newlines as `&#xa;`.
 */
import type { DiagramGroup, DiagramModel } from './model.js';

const NODE_WIDTH = 140;
const NODE_HEIGHT = 40;
const GAP = 30;
const HEADER = 30;
const ROW_HEIGHT = HEADER + NODE_HEIGHT + 2 * GAP;

const XML_ESCAPE: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  '\n': '&#xa;',
  '\t': '&#x9;',
};

/** `text` as an XML attribute value (between double quotes). */
export const xmlAttribute = (text: string): string => text.replace(/[&<>"'\n\t]/g, (c) => XML_ESCAPE[c] ?? c);

const attributes = (values: Readonly<Record<string, string | number>>): string =>
  Object.entries(values)
    .map(([name, value]) => `${name}="${xmlAttribute(String(value))}"`)
    .join(' ');

const geometry = (x: number, y: number, width: number, height: number) =>
  `<mxGeometry ${attributes({ x, y, width, height, as: 'geometry' })}/>`;

function groupCells(group: DiagramGroup, row: number): string[] {
  const width = Math.max(1, group.nodes.length) * (NODE_WIDTH + GAP) + GAP;
  const lane = attributes({
    id: group.key,
    value: group.title,
    style: 'swimlane;html=0;startSize=30;',
    vertex: 1,
    parent: 1,
  });
  return [
    `<mxCell ${lane}>${geometry(0, row * (ROW_HEIGHT + GAP), width, ROW_HEIGHT)}</mxCell>`,
    ...group.nodes.map((node, i) => {
      const cell = attributes({
        id: node.key,
        value: node.label,
        style: 'rounded=1;whiteSpace=wrap;html=0;',
        vertex: 1,
        parent: group.key,
      });
      return `<mxCell ${cell}>${geometry(GAP + i * (NODE_WIDTH + GAP), HEADER + GAP, NODE_WIDTH, NODE_HEIGHT)}</mxCell>`;
    }),
  ];
}

export function renderDrawio(model: DiagramModel): string {
  const edges = model.edges.map((edge) => {
    const cell = attributes({
      id: edge.key,
      value: edge.label,
      style: 'endArrow=none;html=0;',
      edge: 1,
      parent: 1,
      source: edge.from,
      target: edge.to,
    });
    return `<mxCell ${cell}><mxGeometry relative="1" as="geometry"/></mxCell>`;
  });
  const cells = [
    '<mxCell id="0"/>',
    '<mxCell id="1" parent="0"/>',
    ...model.groups.flatMap(groupCells),
    ...edges,
  ];
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<mxfile host="fabric-sync">',
    `  <diagram ${attributes({ id: 'fabric', name: model.title })}>`,
    '    <mxGraphModel><root>',
    ...cells.map((cell) => `      ${cell}`),
    '    </root></mxGraphModel>',
    '  </diagram>',
    '</mxfile>',
    '',
  ].join('\n');
}
