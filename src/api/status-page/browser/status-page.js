// The live status page: every fabric's status axes, its latest operation's stages, one fabric's
// topology and a stream of record events. One query fills the table; subscriptions keep it live;
// "Sync now" runs syncFabric; the topology is redrawn when its fabric syncs a new commit, and can be
// downloaded as a diagram file.
import { askForToken, readToken } from '../../playground/browser/token.js';
import {
  FABRICS,
  FABRIC_STATUS,
  OPERATION_PROGRESS,
  RECORD_EVENTS,
  SYNC_FABRIC,
  TOPOLOGY,
} from './documents.js';
import { GraphQLClient } from './graphql-client.js';
import { diagramDownload } from './diagram-download.js';
import { el, fabricRow, fabricTable, recordEventItem } from './render.js';
import { topologyView } from './topology.js';

const MAX_EVENTS = 200;

class StatusPage {
  /** @param {HTMLElement} root @param {GraphQLClient} client */
  constructor(root, client) {
    this.client = client;
    this.fabrics = new Map();
    this.followed = new Set();
    this.table = fabricTable();
    this.events = el('ol', { id: 'events', reversed: '' });
    this.problems = el('ul', { id: 'problems' });
    this.picker = el('select', { id: 'topology-fabric', 'aria-label': 'fabric' });
    this.picker.addEventListener('change', () => void this.drawTopology(this.picker.value));
    this.topology = el('div', { id: 'topology' });
    root.replaceChildren(
      el('h1', {}, ['fabric-sync status']),
      this.problems,
      this.table,
      el('h2', {}, [
        'Topology ',
        this.picker,
        diagramDownload(
          client,
          () => this.picker.value,
          (m) => this.problem(m),
        ),
      ]),
      this.topology,
      el('h2', {}, ['Record events']),
      this.events,
    );
  }

  async load() {
    const { fabrics } = await this.client.request(FABRICS);
    for (const fabric of fabrics.nodes) {
      this.show(fabric);
      this.client.subscribe(
        FABRIC_STATUS,
        { fabricId: fabric.id },
        (d) => this.show(d.fabricStatus),
        (m) => this.problem(m),
      );
      this.client.subscribe(
        RECORD_EVENTS,
        { fabricId: fabric.id },
        (d) => this.recordEvent(fabric.id, d.recordEvents),
        (m) => this.problem(m),
      );
    }
    this.table.dataset.loaded = String(fabrics.totalCount);
    this.picker.append(...fabrics.nodes.map((f) => el('option', { value: f.id }, [f.name])));
    if (fabrics.nodes.length > 0) await this.drawTopology(fabrics.nodes[0].id);
  }

  /** Draws one fabric's topology; an answer for a fabric no longer picked is dropped. */
  async drawTopology(fabricId) {
    this.picker.value = fabricId;
    try {
      const { topology } = await this.client.request(TOPOLOGY, { fabricId });
      if (this.picker.value !== fabricId) return;
      this.topology.replaceChildren(topologyView(topology));
      this.topology.dataset.fabric = fabricId;
    } catch (err) {
      this.problem(`topology: ${err.message}`);
    }
  }

  /** Draws the fabric's row and follows its operation while it runs. */
  show(fabric) {
    const known = this.fabrics.get(fabric.id);
    this.fabrics.set(fabric.id, fabric);
    if (known && known.syncedCommit !== fabric.syncedCommit && this.picker.value === fabric.id)
      void this.drawTopology(fabric.id);
    const row = fabricRow(fabric, (f) => void this.sync(f));
    if (known) this.table.querySelector(`tr[data-id="${CSS.escape(fabric.id)}"]`)?.replaceWith(row);
    else this.table.tBodies[0].append(row);
    const op = fabric.lastOperation;
    if (op && (op.status === 'RUNNING' || op.status === 'QUEUED')) this.follow(fabric.id, op.id);
  }

  follow(fabricId, operationId) {
    if (this.followed.has(operationId)) return;
    this.followed.add(operationId);
    this.client.subscribe(
      OPERATION_PROGRESS,
      { operationId },
      ({ operationProgress }) => {
        const fabric = this.fabrics.get(fabricId);
        if (fabric) this.show({ ...fabric, lastOperation: operationProgress.operation });
      },
      (message) => this.problem(message),
    );
  }

  async sync(fabric) {
    try {
      const { syncFabric } = await this.client.request(SYNC_FABRIC, { fabricId: fabric.id });
      this.show({ ...this.fabrics.get(fabric.id), lastOperation: syncFabric });
      this.follow(fabric.id, syncFabric.id);
    } catch (err) {
      this.problem(`sync ${fabric.name}: ${err.message}`);
    }
  }

  recordEvent(fabricId, event) {
    this.events.prepend(recordEventItem(event, this.fabrics.get(fabricId)?.name ?? fabricId));
    while (this.events.children.length > MAX_EVENTS) this.events.lastElementChild.remove();
  }

  problem(message) {
    this.problems.append(el('li', {}, [message]));
  }
}

async function main() {
  const root = document.getElementById('root');
  const graphqlPath = document.body.dataset.graphqlPath ?? '/graphql';
  const token = readToken() ?? (await askForToken(root, 'needs read access to the fabrics'));
  const page = new StatusPage(root, new GraphQLClient(graphqlPath, token));
  await page.load().catch((err) => page.problem(`loading fabrics: ${err.message}`));
}

void main();
