import { describe, expect, it } from 'vitest';
import { renderDiagram, DIAGRAM_FORMATS, type DiagramFormat } from '../../src/domain/diagram/index.js';
import { buildTopology, type TopologyRecord } from '../../src/domain/topology.js';
import { readDot, readMermaid, readXml, type ReadDiagram, type XmlElement } from './diagram-syntax.js';
import { miniFabric } from './mini-fabric.js';

const records = (): TopologyRecord[] =>
  miniFabric().map((m) => ({
    id: `${m.kind}/${m.metadata.name}`,
    kind: m.kind,
    name: m.metadata.name,
    spec: m.spec ?? {},
  }));

/** The draw.io file's cells as nodes (vertices in a swimlane), swimlanes and edges. */
function readDrawio(text: string): ReadDiagram {
  const mxfile = readXml(text);
  const diagram = mxfile.children[0];
  const root = diagram?.children[0]?.children[0];
  expect([mxfile.name, diagram?.name, diagram?.children[0]?.name, root?.name]).toEqual([
    'mxfile',
    'diagram',
    'mxGraphModel',
    'root',
  ]);
  const cells = root!.children.map((c: XmlElement) => c.attributes);
  expect(cells.slice(0, 2)).toEqual([
    new Map([['id', '0']]),
    new Map([
      ['id', '1'],
      ['parent', '0'],
    ]),
  ]);
  const lanes = new Map(
    cells
      .filter((c) => c.get('parent') === '1' && c.get('vertex'))
      .map((c) => [c.get('id')!, c.get('value')!]),
  );
  return {
    groups: lanes,
    nodes: new Map(
      cells.filter((c) => lanes.has(c.get('parent') ?? '')).map((c) => [c.get('id')!, c.get('value')!]),
    ),
    edges: cells
      .filter((c) => c.get('edge') === '1')
      .map((c) => ({ from: c.get('source')!, to: c.get('target')!, label: c.get('value')! })),
  };
}

const READERS: Record<DiagramFormat, (text: string) => ReadDiagram> = {
  MERMAID: readMermaid,
  DOT: readDot,
  DRAWIO: readDrawio,
};

describe.each(DIAGRAM_FORMATS)('the %s diagram of the mini fabric', (format) => {
  const topology = buildTopology(records());
  const text = renderDiagram(format, 'mini', topology);
  const read = READERS[format](text);
  const nameOf = (key: string) => read.nodes.get(key);

  it('groups the switches by role, spines first, then the servers and the far ends of external links', () => {
    expect([...read.groups.values()]).toEqual(['spine', 'server-leaf', 'servers', 'external']);
    expect([...read.nodes.values()].sort()).toEqual(
      ['leaf-1', 'leaf-2', 'leaf-2--external (far end)', 'spine-1', 'srv-1', 'srv-2'].sort(),
    );
  });

  it('draws one edge per link, between its two ends, labelled with connection, type and ports', () => {
    expect(read.edges).toHaveLength(topology.links.length);
    const edges = read.edges.map((e) => [nameOf(e.from), nameOf(e.to), e.label]);
    expect(edges).toContainEqual(['leaf-1', 'srv-2', 'srv-2--eslag--leaf-1--leaf-2 (eslag)\nE1/2/1 – eth0']);
    expect(edges).toContainEqual(['leaf-2', 'srv-2', 'srv-2--eslag--leaf-1--leaf-2 (eslag)\nE1/2/1 – eth1']);
    expect(edges).toContainEqual(['spine-1', 'leaf-1', 'spine-1--fabric--leaf-1 (fabric)\nE1/1 – E1/8']);
    expect(edges).toContainEqual(['leaf-1', 'leaf-1', 'leaf-1--vpc-loopback (vpcLoopback)\nE1/3/1 – E1/3/2']);
    expect(edges).toContainEqual([
      'leaf-2',
      'leaf-2--external (far end)',
      'leaf-2--external (external)\nE1/5',
    ]);
  });
});

describe('the MERMAID diagram', () => {
  it('is a flowchart', () => {
    expect(renderDiagram('MERMAID', 'mini', buildTopology(records()))).toMatch(/^flowchart TB\n/);
  });
});

describe('hostile names', () => {
  // Kubernetes names cannot hold these, but a renderer must not trust that: every format's syntax.
  const HOSTILE = 'a"b<c>&d\n\'#quot;|`%%\\N&amp;]]><!--\u0001"];';
  const hostile = (suffix: string) => `${HOSTILE}${suffix}`;
  const topology = buildTopology([
    { id: 's', kind: 'Switch', name: hostile('sw'), spec: { role: `leaf"<&\n` } },
    { id: 'h', kind: 'Server', name: hostile('srv'), spec: {} },
    {
      id: 'c',
      kind: 'Connection',
      name: hostile('conn'),
      spec: {
        unbundled: {
          link: { server: { port: `${hostile('srv')}/eth"0` }, switch: { port: `${hostile('sw')}/E1/1` } },
        },
      },
    },
  ]);
  /** What survives: everything but the control character, which no format can carry safely. */
  const shown = (text: string) => text.replace('\u0001', '\uFFFD');

  it.each(DIAGRAM_FORMATS)('come out of %s exactly as they are, as text, never as syntax', (format) => {
    const read = READERS[format](renderDiagram(format, hostile('title'), topology));
    expect([...read.nodes.values()].sort()).toEqual([shown(hostile('srv')), shown(hostile('sw'))].sort());
    expect([...read.groups.values()]).toEqual([shown(`leaf"<&\n`), 'servers']);
    expect(read.edges.map((e) => e.label)).toEqual([`${shown(hostile('conn'))} (unbundled)\nE1/1 – eth"0`]);
  });

  it('leave the draw.io file well-formed, its title included', () => {
    const mxfile = readXml(renderDiagram('DRAWIO', hostile('title'), topology));
    expect(mxfile.children[0]?.attributes.get('name')).toBe(shown(hostile('title')));
  });
});
