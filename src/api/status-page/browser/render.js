// DOM for the status page: one table row per fabric and a list of record events. Text is always set
// with textContent, so nothing from the API is ever parsed as HTML.

/** @param {string} tag @param {Record<string, string>} [attributes] @param {(Node | string)[]} [children] */
export function el(tag, attributes = {}, children = []) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

const badge = (axis, value, title) =>
  el('span', { class: `badge ${axis}`, 'data-value': value ?? 'UNKNOWN', title: title ?? '' }, [
    value ?? '—',
  ]);

function operationCell(op) {
  if (!op) return el('div', { class: 'operation', 'data-status': 'NONE' }, ['no operation yet']);
  const stages = op.stages.map((stage) => {
    const counts = stage.counts.map((c) => `${c.name} ${c.value}`).join(', ');
    const text = counts ? `${stage.name} (${counts})` : stage.name;
    return el('li', { 'data-stage': stage.name, 'data-status': stage.status, title: stage.message ?? '' }, [
      text,
    ]);
  });
  return el('div', { class: 'operation', 'data-status': op.status, 'data-operation': op.id }, [
    el('span', { class: 'operation-title' }, [`${op.type} · ${op.trigger} · ${op.status}`]),
    el('ol', { class: 'stages' }, stages),
    ...(op.message ? [el('div', { class: 'message' }, [op.message])] : []),
  ]);
}

/** @param {any} fabric @param {(fabric: any) => void} onSync */
export function fabricRow(fabric, onSync) {
  const button = el('button', { type: 'button', class: 'sync-now' }, ['Sync now']);
  button.addEventListener('click', () => onSync(fabric));
  return el('tr', { 'data-fabric': fabric.name, 'data-id': fabric.id }, [
    el('th', { scope: 'row' }, [
      fabric.name,
      ...(fabric.suspended ? [' ', badge('suspended', 'SUSPENDED', fabric.suspendedReason)] : []),
    ]),
    el('td', {}, [badge('connection', fabric.connectionStatus, fabric.connectionMessage)]),
    el('td', {}, [badge('sync', fabric.syncStatus)]),
    el('td', {}, [badge('watch', fabric.watchStatus, fabric.watchMessage)]),
    el('td', {}, [operationCell(fabric.lastOperation)]),
    el('td', {}, [button]),
  ]);
}

export function fabricTable() {
  const head = ['Fabric', 'Connection', 'Sync', 'Watch', 'Operation', ''].map((t) =>
    el('th', { scope: 'col' }, [t]),
  );
  return el('table', { id: 'fabrics' }, [el('thead', {}, [el('tr', {}, head)]), el('tbody')]);
}

/** @param {any} event @param {string} fabricName */
export function recordEventItem(event, fabricName) {
  const text = `${event.at} ${fabricName} ${event.type} ${event.kind}/${event.namespace}/${event.name}${event.state ? ` → ${event.state}` : ''}`;
  return el('li', { 'data-type': event.type }, [text]);
}
