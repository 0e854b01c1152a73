/**
 * Mermaid flowchart: a subgraph per group, undirected edges with their labels. Every label is a
 * quoted string in which Mermaid's entity codes stand for the characters its parser or its HTML
 * rendering would take as syntax; newlines become `<br>`.
 */
import type { DiagramModel } from './model.js';

const ENTITY: Readonly<Record<string, string>> = {
  '#': '#35;',
  '"': '#quot;',
  '<': '#lt;',
  '>': '#gt;',
  '&': '#amp;',
  '|': '#124;',
  '`': '#96;',
  '%': '#37;',
};

/** A quoted Mermaid string holding `text` literally. */
export const mermaidString = (text: string): string =>
  `"${text.replace(/[#"<>&|`%]/g, (c) => ENTITY[c] ?? c).replace(/\n/g, '<br>')}"`;

export function renderMermaid(model: DiagramModel): string {
  const lines = ['flowchart TB'];
  for (const group of model.groups) {
    lines.push(`  subgraph ${group.key}[${mermaidString(group.title)}]`);
    for (const node of group.nodes) lines.push(`    ${node.key}[${mermaidString(node.label)}]`);
    lines.push('  end');
  }
  for (const edge of model.edges) lines.push(`  ${edge.from} ---|${mermaidString(edge.label)}| ${edge.to}`);
  return `${lines.join('\n')}\n`;
}
