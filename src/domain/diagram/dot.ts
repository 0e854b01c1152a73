/**
 * Graphviz DOT: an undirected graph, a `cluster_` subgraph per group (drawn as a box), edges with
 * their labels. Every id and label is a quoted string: backslash and quote escaped, newlines as
 * `\n`, and `&` as `&amp;` because Graphviz decodes HTML entities in plain labels too.
 */
import type { DiagramModel } from './model.js';

/** A quoted DOT string holding `text` literally. */
export const dotString = (text: string): string =>
  `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/&/g, '&amp;').replace(/\n/g, '\\n')}"`;

export function renderDot(model: DiagramModel): string {
  const lines = [
    `graph ${dotString(model.title)} {`,
    `  graph [label=${dotString(model.title)}, labelloc="t", rankdir="TB"];`,
    '  node [shape="box", style="rounded"];',
  ];
  for (const group of model.groups) {
    lines.push(`  subgraph ${dotString(`cluster_${group.key}`)} {`);
    lines.push(`    label=${dotString(group.title)};`);
    for (const node of group.nodes)
      lines.push(`    ${dotString(node.key)} [label=${dotString(node.label)}];`);
    lines.push('  }');
  }
  for (const edge of model.edges)
    lines.push(`  ${dotString(edge.from)} -- ${dotString(edge.to)} [label=${dotString(edge.label)}];`);
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
