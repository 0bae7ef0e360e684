// dups.js - duplicate clusters, and what each batch added (docs/DEDUP.md).
import { h, docLink, empty, hashFor } from './util.js';
import { api, docPaths } from './api.js';

const KIND = {
  exact: 'Exact copies (the same bytes at several paths)',
  text: 'The same text in different files',
  near: 'Near-duplicates',
  template: 'The same form, filled in differently',
};

export async function render(box, _parts, params, current) {
  const threshold = params.get('threshold') || '';
  const [r, paths] = await Promise.all([api('/api/dups', { threshold }), docPaths()]);
  if (!current()) return;
  box.appendChild(h('h1', null, 'Duplicates'));
  const thr = h('input', { type: 'number', step: '0.05', min: '0.5', max: '1', name: 'threshold', value: threshold || r.threshold || 0.8 });
  const form = h('form', { class: 'inline' }, h('label', null, 'Near-duplicate threshold (Jaccard) ', thr), h('button', { type: 'submit' }, 'Apply'));
  form.addEventListener('submit', (ev) => { ev.preventDefault(); location.hash = hashFor('dups', { threshold: thr.value }); });
  box.appendChild(form);
  const clusters = (r.clusters || []).filter((c) => c.kind !== 'exact' || (c.paths || []).length > 1);
  if (!clusters.length) { box.appendChild(empty('no duplicates')); return; }
  for (const kind of ['exact', 'text', 'near', 'template']) {
    const list = clusters.filter((c) => c.kind === kind);
    if (!list.length) continue;
    box.appendChild(h('h2', null, `${KIND[kind]} · ${list.length}`));
    const ul = h('ul', { class: 'clusters' });
    for (const c of list) {
      if (kind === 'exact') {
        const id = c.documents[0];
        ul.appendChild(h('li', { class: 'cluster cluster-exact' }, docLink(id, '#' + id), ' ',
          h('ul', { class: 'plain' }, (c.paths || []).map((p) => h('li', { dir: 'auto' }, p)))));
      } else {
        const rep = c.representative || c.documents[0];
        ul.appendChild(h('li', { class: 'cluster cluster-' + kind },
          h('span', { class: 'muted' }, `similarity ${Number(c.similarity).toFixed(2)} · ${c.documents.length} documents`),
          h('ul', { class: 'plain' }, c.documents.map((id) => h('li', { dir: 'auto' },
            docLink(id, paths.get(id) || '#' + id),
            id !== rep ? [' ', h('a', { class: 'diff-link', href: `#/diff/${rep}/${id}` }, 'compare with #' + rep)] : h('span', { class: 'muted' }, ' (earliest)'))))));
      }
    }
    box.appendChild(ul);
  }
}

export async function renderNew(box, _parts, params, current) {
  const status = await api('/api/status');
  if (!current()) return;
  const batches = status.batches || [];
  box.appendChild(h('h1', null, "What's new"));
  if (!batches.length) { box.appendChild(empty('No batches yet: nothing has been ingested.')); return; }
  const want = params.get('batch');
  const paths = await docPaths();
  const tabs = h('nav', { class: 'tabs' }, batches.map((b) =>
    h('a', { href: hashFor('new', { batch: b.label || b.id }), class: String(b.label || b.id) === want ? 'active' : null, dir: 'auto' },
      `${b.label || '#' + b.id} (${b.documents})`)));
  box.appendChild(tabs);
  const shown = want ? batches.filter((b) => String(b.label) === want || String(b.id) === want) : batches.slice().reverse();
  for (const b of shown) {
    const r = await api('/api/new', { batch: b.label || b.id });
    if (!current()) return;
    const of = new Map((r.of || []).map((o) => [o.id, o]));
    const sec = h('section', { class: 'card batch' }, h('h2', { dir: 'auto' }, `Batch ${b.label || b.id}`),
      h('p', { class: 'muted' }, `${b.documents} documents · ingested ${b.at || ''}`));
    const list = (title, ids, withOf) => {
      sec.appendChild(h('h3', null, `${title} · ${ids.length}`));
      if (!ids.length) { sec.appendChild(empty('none')); return; }
      sec.appendChild(h('ul', { class: 'plain' }, ids.map((id) => {
        const o = of.get(id);
        return h('li', { dir: 'auto' }, docLink(id, paths.get(id) || '#' + id),
          withOf && o && o.of !== id ? [h('span', { class: 'muted' }, ` — ${o.kind} copy of `), docLink(o.of, paths.get(o.of) || '#' + o.of),
            o.kind === 'near' ? [' ', h('a', { class: 'diff-link', href: `#/diff/${o.of}/${id}` }, 'compare')] : null]
            : withOf && o ? h('span', { class: 'muted' }, ` — already in an earlier batch`) : null);
      })));
    };
    list('New', r.new || [], false);
    list('Near-copies of earlier documents', r.near_copies || [], true);
    list('Copies of earlier documents', r.copies || [], true);
    if ((r.unchecked || []).length) list('Without text (new by their bytes)', r.unchecked, false);
    box.appendChild(sec);
  }
}
