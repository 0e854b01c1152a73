/** `Fabric.diagram(format)`: the fabric's topology as a file for a diagram tool, one pure renderer per format. */
import type { Topology } from '../topology.js';
import { renderDot } from './dot.js';
import { renderDrawio } from './drawio.js';
import { renderMermaid } from './mermaid.js';
import { diagramModel, type DiagramModel } from './model.js';

export const DIAGRAM_FORMATS = ['MERMAID', 'DOT', 'DRAWIO'] as const;
export type DiagramFormat = (typeof DIAGRAM_FORMATS)[number];

const RENDERERS: Readonly<Record<DiagramFormat, (model: DiagramModel) => string>> = {
  MERMAID: renderMermaid,
  DOT: renderDot,
  DRAWIO: renderDrawio,
};

/** `title` names the diagram (the fabric's name) where the format has a place for it. */
export function renderDiagram(format: DiagramFormat, title: string, topology: Topology): string {
  return RENDERERS[format](diagramModel(title, topology));
}
