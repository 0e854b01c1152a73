/**
 * Strict readers of what the diagram renderers may write, for the tests: each accepts only the
 * statements its renderer emits, with every quoted string or attribute value tokenized the way the
 * real tool reads it, and returns the decoded values, so a test can compare them with the names.
 * Anything else (an unescaped quote, a stray `<` or `&`, an unclosed tag) throws.
 */

/** A double-quoted string as Mermaid reads it: no `"` inside; entity codes stand for characters. */
const MERMAID_STRING = '"([^"]*)"';
const MERMAID_ENTITY: Readonly<Record<string, string>> = {
  '#35;': '#',
  '#quot;': '"',
  '#lt;': '<',
  '#gt;': '>',
  '#amp;': '&',
  '#124;': '|',
  '#96;': '`',
  '#37;': '%',
};
const decodeMermaid = (text: string) =>
  text.replace(/<br>/g, '\n').replace(/#\w+;/g, (code) => {
    const c = MERMAID_ENTITY[code];
    if (c === undefined) throw new Error(`unknown Mermaid entity ${code}`);
    return c;
  });

export interface ReadDiagram {
  /** Node key → label. */
  readonly nodes: Map<string, string>;
  /** Group key (Mermaid subgraph, DOT cluster, draw.io swimlane) → title. */
  readonly groups: Map<string, string>;
  readonly edges: { from: string; to: string; label: string }[];
}

const empty = (): ReadDiagram => ({ nodes: new Map(), groups: new Map(), edges: [] });

export function readMermaid(text: string): ReadDiagram {
  const read = empty();
  const [first, ...lines] = text.trimEnd().split('\n');
  if (first !== 'flowchart TB') throw new Error(`not a flowchart: ${first}`);
  const grammar: [RegExp, (m: RegExpMatchArray) => void][] = [
    [
      new RegExp(`^  subgraph (g\\d+)\\[${MERMAID_STRING}\\]$`),
      (m) => read.groups.set(m[1]!, decodeMermaid(m[2]!)),
    ],
    [
      new RegExp(`^    ([nx]\\d+)\\[${MERMAID_STRING}\\]$`),
      (m) => read.nodes.set(m[1]!, decodeMermaid(m[2]!)),
    ],
    [/^  end$/, () => undefined],
    [
      // Mermaid's edge text ends at the next `|`, quoted or not.
      new RegExp(`^  ([nx]\\d+) ---\\|"([^"|]*)"\\| ([nx]\\d+)$`),
      (m) => read.edges.push({ from: m[1]!, label: decodeMermaid(m[2]!), to: m[3]! }),
    ],
  ];
  for (const line of lines) statement(grammar, line);
  return read;
}

/** A DOT quoted string: backslash escapes; Graphviz then decodes HTML entities in labels. */
const DOT_STRING = '"((?:[^"\\\\\\n]|\\\\.)*)"';
const decodeDot = (text: string) =>
  text
    .replace(/\\(.)/g, (_m, c: string) => (c === 'n' ? '\n' : c))
    .replace(/&(amp|[a-z]+|#\d+);/g, (entity, name: string) => {
      if (name !== 'amp') throw new Error(`a label decodes to an entity Graphviz would read: ${entity}`);
      return '&';
    });

export function readDot(text: string): ReadDiagram {
  const read = empty();
  const lines = text.trimEnd().split('\n');
  let cluster: string | undefined;
  const grammar: [RegExp, (m: RegExpMatchArray) => void][] = [
    [new RegExp(`^graph ${DOT_STRING} \\{$`), () => undefined],
    [new RegExp(`^  graph \\[label=${DOT_STRING}, labelloc="t", rankdir="TB"\\];$`), () => undefined],
    [/^ {2}node \[shape="box", style="rounded"\];$/, () => undefined],
    [/^ {2}subgraph "cluster_(g\d+)" \{$/, (m) => (cluster = m[1])],
    [new RegExp(`^    label=${DOT_STRING};$`), (m) => read.groups.set(cluster!, decodeDot(m[1]!))],
    [
      new RegExp(`^    "([nx]\\d+)" \\[label=${DOT_STRING}\\];$`),
      (m) => read.nodes.set(m[1]!, decodeDot(m[2]!)),
    ],
    [/^ {2}\}$/, () => (cluster = undefined)],
    [
      new RegExp(`^  "([nx]\\d+)" -- "([nx]\\d+)" \\[label=${DOT_STRING}\\];$`),
      (m) => read.edges.push({ from: m[1]!, to: m[2]!, label: decodeDot(m[3]!) }),
    ],
    [/^\}$/, () => undefined],
  ];
  for (const line of lines) statement(grammar, line);
  return read;
}

function statement(grammar: [RegExp, (m: RegExpMatchArray) => void][], line: string): void {
  for (const [pattern, take] of grammar) {
    const match = line.match(pattern);
    if (match) return take(match);
  }
  throw new Error(`not a statement the renderer writes: ${JSON.stringify(line)}`);
}

export interface XmlElement {
  readonly name: string;
  readonly attributes: Map<string, string>;
  readonly children: XmlElement[];
}

const XML_ENTITY: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
/** Attribute-value normalization first: a literal newline or tab in a value is read as a space. */
const decodeXml = (value: string) =>
  value.replace(/[\t\n\r]/g, ' ').replace(/&(#x[0-9a-fA-F]+|#\d+|\w+);/g, (_m, ref: string) => {
    if (ref.startsWith('#x')) return String.fromCodePoint(parseInt(ref.slice(2), 16));
    if (ref.startsWith('#')) return String.fromCodePoint(parseInt(ref.slice(1), 10));
    const c = XML_ENTITY[ref];
    if (c === undefined) throw new Error(`undefined XML entity &${ref};`);
    return c;
  });

/**
 * The XML 1.0 well-formedness rules that apply to an element-only document: one root, tags nested
 * and closed, attribute values free of `<` and of `&` outside a reference, no attribute twice, only
 * whitespace between tags, and only characters XML allows.
 */
export function readXml(text: string): XmlElement {
  const body = text.replace(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n/, '');
  if (/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/.test(body))
    throw new Error('a character XML forbids');
  const tag =
    /<(\/?)([A-Za-z][\w.-]*)((?:\s+[A-Za-z][\w.-]*="[^<&"]*(?:&(?:#x[0-9a-fA-F]+|#\d+|\w+);[^<&"]*)*")*)\s*(\/?)>/y;
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let at = 0;
  while (at < body.length) {
    const space = /\s*/y;
    space.lastIndex = at;
    at += space.exec(body)![0].length;
    if (at === body.length) break;
    tag.lastIndex = at;
    const m = tag.exec(body);
    if (!m) throw new Error(`not well-formed at ${at}: ${JSON.stringify(body.slice(at, at + 60))}`);
    at = tag.lastIndex;
    const [, closing, name, attrs, selfClosing] = m as unknown as [string, string, string, string, string];
    if (closing) {
      if (stack.pop()?.name !== name || attrs || selfClosing) throw new Error(`unbalanced </${name}>`);
      continue;
    }
    const attributes = new Map<string, string>();
    for (const [, key, value] of attrs.matchAll(/([A-Za-z][\w.-]*)="([^"]*)"/g)) {
      if (attributes.has(key!)) throw new Error(`attribute ${key} twice on <${name}>`);
      attributes.set(key!, decodeXml(value!));
    }
    const element: XmlElement = { name, attributes, children: [] };
    const parent = stack.at(-1);
    if (parent) parent.children.push(element);
    else if (root) throw new Error('more than one root element');
    else root = element;
    if (!selfClosing) stack.push(element);
  }
  if (!root || stack.length > 0) throw new Error('unclosed elements');
  return root;
}
