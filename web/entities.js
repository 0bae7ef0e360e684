// entities.js - entities by type, an entity's page (variants with the
// reason of each merge, documents, co-occurring), merge/split for editors.
import { h, t, hashFor, docLink, entityLink, empty, table, errorBox } from './util.js';
import { api, post, canEdit } from './api.js';

const TYPES = ['person', 'organization', 'place', 'misc', 'date', 'money', 'phone', 'email', 'url', 'domain', 'iban', 'card', 'crypto', 'ip', 'coordinates', 'document_number'];
const LIMIT = 100;

export async function render(box, _parts, params, current) {
  const type = params.get('type') || '';
  const q = params.get('q') || '';
  const offset = Math.max(0, parseInt(params.get('offset') || '0', 10) || 0);
  const r = await api('/api/entities', { type, q, limit: LIMIT, offset });
  if (!current()) return;
  box.appendChild(h('h1', null, 'Entities'));
  const input = h('input', { type: 'search', name: 'q', value: q, dir: 'auto', placeholder: 'name contains…' });
  const form = h('form', { class: 'inline' }, input, h('button', { type: 'submit' }, 'Find'));
  form.addEventListener('submit', (ev) => { ev.preventDefault(); location.hash = hashFor('entities', { type, q: input.value.trim() }); });
  box.appendChild(form);
  box.appendChild(h('nav', { class: 'tabs', id: 'entity-types' },
    h('a', { href: hashFor('entities', { q }), class: type ? null : 'active' }, 'all'),
    TYPES.map((ty) => h('a', { href: hashFor('entities', { type: ty, q }), class: ty === type ? 'active' : null }, ty))));
  const ents = r.entities || [];
  if (!ents.length) {
    box.appendChild(empty(offset ? 'No more entities.' : q || type ? 'No entities match.' : 'no entities yet'));
    return;
  }
  const byType = new Map();
  for (const e of ents) {
    if (!byType.has(e.type)) byType.set(e.type, []);
    byType.get(e.type).push(e);
  }
  for (const [ty, list] of byType) {
    box.appendChild(h('h2', null, `${ty} · ${list.length}${ents.length === LIMIT ? '+' : ''}`));
    box.appendChild(table(['name', 'documents', 'mentions', 'also written'], list.map((e) => [
      entityLink(e.id, e.name), String(e.documents), String(e.mentions),
      h('span', { dir: 'auto', class: 'variants' }, (e.variants || []).filter((v) => v !== e.name).join(' · ')),
    ])));
  }
  const pager = h('nav', { class: 'pager' });
  if (offset > 0) pager.appendChild(h('a', { href: hashFor('entities', { type, q, offset: Math.max(0, offset - LIMIT) || '' }) }, '← previous'));
  if (ents.length === LIMIT) pager.appendChild(h('a', { href: hashFor('entities', { type, q, offset: offset + LIMIT }) }, 'next →'));
  box.appendChild(pager);
}

export async function renderEntity(box, parts, _params, current) {
  const id = parseInt(parts[0], 10);
  const r = await api('/api/entities/' + id);
  if (!current()) return;
  const e = r.entity || {};
  box.appendChild(h('h1', { dir: 'auto', id: 'entity-name' }, e.name || '#' + id));
  box.appendChild(h('p', { class: 'muted' }, `${e.type} · ${e.documents} documents · ${e.mentions} mentions · `,
    h('a', { href: hashFor('graph', {}) }, 'graph'), ' · ',
    h('a', { href: hashFor('search', { q: e.type === 'person' || e.type === 'organization' || e.type === 'place' ? '~' + String(e.name || '').split(/\s+/).pop() : '"' + String(e.name || '').replace(/"/g, '') + '"' }) }, 'search for it')));

  const msg = h('p', { class: 'error', role: 'alert' });
  const variants = e.variants_detail || (e.variants || []).map((v) => ({ value: v }));
  box.appendChild(h('section', { class: 'card' }, h('h2', null, 'Spellings and why they were joined'),
    table(['as written', 'mentions', 'reason', canEdit() ? '' : null].filter((x) => x !== null), variants.map((v) => {
      const row = [t('span', v.value), v.mentions !== undefined ? String(v.mentions) : '', v.reason || ''];
      if (canEdit()) {
        row.push(variants.length > 1 ? h('button', { type: 'button', class: 'small split', on: { click: async () => {
          msg.textContent = '';
          try {
            const to = await post('/api/entities/split', { type: e.type, value: v.value });
            location.hash = '#/entity/' + Number(to.id !== undefined ? to.id : to.entity && to.entity.id);
          } catch (err) { msg.textContent = err.message; }
        } } }, 'split off') : '');
      }
      return row;
    })), msg));

  if (canEdit()) {
    const sel = h('select', { name: 'value' }, variants.map((v) => h('option', { value: v.value, dir: 'auto' }, v.value)));
    const target = h('input', { name: 'target', dir: 'auto', placeholder: 'name of the other entity', required: true });
    const form = h('form', { class: 'inline', id: 'merge-form' }, 'Merge ', sel, ' into ', target, h('button', { type: 'submit' }, 'Merge'));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      msg.textContent = '';
      try {
        const to = await post('/api/entities/merge', { type: e.type, value: sel.value, target: target.value.trim() });
        location.hash = '#/entity/' + Number(to.id !== undefined ? to.id : to.entity && to.entity.id);
      } catch (err) { msg.textContent = err.message; }
    });
    box.appendChild(h('section', { class: 'card' }, h('h2', null, 'Merge'), form,
      h('p', { class: 'muted' }, 'Moves one spelling to another entity of the same type (split undoes it).')));
  }

  const docs = r.documents || [];
  box.appendChild(h('section', { class: 'card', id: 'entity-docs' }, h('h2', null, `Documents · ${docs.length}`),
    docs.length ? h('ul', { class: 'plain' }, docs.map((d) => h('li', { dir: 'auto' }, docLink(d.id, d.path),
      h('span', { class: 'muted' }, ` · ${d.mentions} mention${d.mentions === 1 ? '' : 's'}`)))) : empty('no documents')));
  const co = r.cooccurring || [];
  box.appendChild(h('section', { class: 'card' }, h('h2', null, 'Named with it'),
    co.length ? table(['name', 'type', 'documents together'], co.map((c) => [entityLink(c.id, c.name), c.type, String(c.documents)]))
      : empty('nothing named in the same documents')));
}
