// audit.js - the audit log and the users (admins only).
import { h, hashFor, table, empty, errorBox } from './util.js';
import { api, isAdmin } from './api.js';

const LIMIT = 100;

export async function render(box, _parts, params, current) {
  box.appendChild(h('h1', null, 'Audit log'));
  if (!isAdmin()) { box.appendChild(empty('Only admins read the audit log.')); return; }
  const offset = Math.max(0, parseInt(params.get('offset') || '0', 10) || 0);
  const r = await api('/api/audit', { limit: LIMIT, offset });
  if (!current()) return;
  const ev = r.events || [];
  if (!ev.length) box.appendChild(empty('no events'));
  else {
    box.appendChild(table(['when', 'user', 'from', 'action', 'target', 'detail'],
      ev.map((e) => [e.at || '', e.user || '', e.addr || '', e.action || '', e.target === null || e.target === undefined ? '' : String(e.target), e.detail || ''])));
  }
  const pager = h('nav', { class: 'pager' });
  if (offset > 0) pager.appendChild(h('a', { href: hashFor('audit', { offset: Math.max(0, offset - LIMIT) || '' }) }, '← newer'));
  if (ev.length === LIMIT) pager.appendChild(h('a', { href: hashFor('audit', { offset: offset + LIMIT }) }, 'older →'));
  box.appendChild(pager);

  box.appendChild(h('h2', null, 'Users'));
  try {
    const u = await api('/api/users');
    if (!current()) return;
    box.appendChild(table(['name', 'role', 'created'], (u.users || []).map((x) => [x.name, x.role, x.created || ''])));
    box.appendChild(h('p', { class: 'muted' }, 'Users are added on the command line: daftar user add CASE NAME --role admin|editor|viewer'));
  } catch (e) {
    box.appendChild(errorBox(e));
  }
}
