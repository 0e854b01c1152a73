// "Download diagram" on the status page: a format picker and a button that asks Fabric.diagram for
// the fabric picked above the topology and saves the answer as a file, named after the fabric.
import { DIAGRAM } from './documents.js';
import { el } from './render.js';

/** The file each format is saved as: what the tools that open it expect. */
const FORMATS = [
  { value: 'MERMAID', label: 'Mermaid', extension: 'mmd', type: 'text/vnd.mermaid' },
  { value: 'DOT', label: 'Graphviz DOT', extension: 'dot', type: 'text/vnd.graphviz' },
  { value: 'DRAWIO', label: 'draw.io', extension: 'drawio', type: 'application/vnd.jgraph.mxfile' },
];

/** Saves `text` as a file through a temporary object URL (no server round trip for the file itself). */
function save(text, fileName, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = el('a', { href: url, download: fileName });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/**
 * @param {import('./graphql-client.js').GraphQLClient} client
 * @param {() => string} pickedFabricId the fabric whose topology is shown
 * @param {(message: string) => void} problem
 */
export function diagramDownload(client, pickedFabricId, problem) {
  const picker = el(
    'select',
    { id: 'diagram-format', 'aria-label': 'diagram format' },
    FORMATS.map((f) => el('option', { value: f.value }, [f.label])),
  );
  const button = el('button', { type: 'button', id: 'diagram-download' }, ['Download diagram']);
  button.addEventListener('click', async () => {
    const format = FORMATS.find((f) => f.value === picker.value) ?? FORMATS[0];
    try {
      const { fabric } = await client.request(DIAGRAM, { fabricId: pickedFabricId(), format: format.value });
      save(fabric.diagram, `${fabric.name}.${format.extension}`, format.type);
    } catch (err) {
      problem(`diagram: ${err.message}`);
    }
  });
  return el('span', { class: 'diagram-download' }, [picker, button]);
}
