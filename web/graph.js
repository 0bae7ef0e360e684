// graph.js - the co-occurrence network of entities (cytoscape, vendored).
import { h, hashFor, empty } from './util.js';
import { api } from './api.js';

const TYPES = ['person', 'organization', 'place', 'money', 'phone', 'email', 'date'];
const COLORS = { person: '#c0392b', organization: '#2471a3', place: '#1e8449', money: '#b9770e', phone: '#7d3c98',
  email: '#117a65', date: '#566573' };

export async function render(box, _parts, params, current) {
  const types = params.getAll('type');
  const minWeight = Math.max(1, parseInt(params.get('min_weight') || '1', 10) || 1);
  const form = h('form', { class: 'inline graph-filters', id: 'graph-form' },
    TYPES.map((ty) => h('label', { class: 'check' },
      h('input', { type: 'checkbox', name: 'type', value: ty, checked: types.length === 0 || types.includes(ty) }), ' ', ty)),
    h('label', null, ' at least ', h('input', { type: 'number', name: 'min_weight', min: 1, value: minWeight, class: 'num' }), ' shared documents'),
    h('button', { type: 'submit' }, 'Show'));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const fd = new FormData(form);
    const sel = fd.getAll('type');
    location.hash = hashFor('graph', { type: sel.length === TYPES.length ? [] : sel, min_weight: fd.get('min_weight') === '1' ? '' : fd.get('min_weight') });
  });
  box.appendChild(h('h1', null, 'Who is named with whom'));
  box.appendChild(form);
  const [r, mod] = await Promise.all([
    api('/api/graph', { type: types, min_weight: minWeight }),
    import('./vendor/cytoscape.esm.min.js'),
  ]);
  if (!current()) return;
  const nodes = r.nodes || [];
  const edges = r.edges || [];
  if (!nodes.length) { box.appendChild(empty('no entities yet')); return; }
  box.appendChild(h('p', { class: 'muted', id: 'graph-count' },
    `${nodes.length} entities, ${edges.length} links. Click a name to open it; drag to move; scroll to zoom.`));
  const holder = h('div', { id: 'graph', class: 'graph' });
  box.appendChild(holder);
  const cytoscape = mod.default;
  // cytoscape inserts an inline <style> unless an element with this id exists
  // (the CSP forbids inline styles): its one rule is in app.css instead.
  if (!document.getElementById('__________cytoscape_stylesheet')) {
    document.head.appendChild(h('meta', { id: '__________cytoscape_stylesheet', name: 'cytoscape-style', content: 'app.css' }));
  }
  const maxDocs = Math.max(1, ...nodes.map((n) => n.documents || 1));
  const maxW = Math.max(1, ...edges.map((e) => e.documents || 1));
  const ids = new Set(nodes.map((n) => String(n.id)));
  const cy = cytoscape({
    container: holder,
    elements: [
      ...nodes.map((n) => ({ data: { id: String(n.id), label: String(n.name), type: n.type,
        size: 14 + 30 * Math.sqrt((n.documents || 1) / maxDocs), color: COLORS[n.type] || '#555' } })),
      ...edges.filter((e) => ids.has(String(e.a)) && ids.has(String(e.b))).map((e) => ({ data: {
        id: `e${e.a}-${e.b}`, source: String(e.a), target: String(e.b), w: 1 + 6 * ((e.documents || 1) / maxW) } })),
    ],
    style: [
      { selector: 'node', style: { label: 'data(label)', 'background-color': 'data(color)', width: 'data(size)', height: 'data(size)',
        'font-size': 11, 'text-valign': 'bottom', 'text-margin-y': 3, color: '#222', 'text-outline-color': '#fff', 'text-outline-width': 2 } },
      { selector: 'edge', style: { width: 'data(w)', 'line-color': '#b8c2cc', 'curve-style': 'haystack', opacity: 0.8 } },
      { selector: 'node:selected', style: { 'border-width': 3, 'border-color': '#000' } },
    ],
    layout: { name: 'cose', animate: false, nodeRepulsion: () => 9000, idealEdgeLength: () => 80, randomize: false },
    wheelSensitivity: 0.3,
  });
  cy.on('tap', 'node', (ev) => { location.hash = '#/entity/' + Number(ev.target.id()); });
  window.__daftarGraph = { nodes: cy.nodes().length, edges: cy.edges().length };
  const legend = h('p', { class: 'legend' }, Object.entries(COLORS).map(([ty, c]) => {
    const dot = h('span', { class: 'dot' });
    dot.style.backgroundColor = c;
    return h('span', { class: 'legend-item' }, dot, ty);
  }));
  box.appendChild(legend);
}
