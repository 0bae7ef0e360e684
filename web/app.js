// app.js - the workbench: hash routing (#/search?q=…), the header, login.
import { h, clear, parseHash, errorBox } from './util.js';
import { session, loadMe, login, logout, isAdmin, setUnauthorizedHandler } from './api.js';
import * as search from './search.js';
import * as doc from './doc.js';
import * as dups from './dups.js';
import * as entities from './entities.js';
import * as graph from './graph.js';
import * as timeline from './timeline.js';
import * as map from './map.js';
import * as records from './records.js';
import * as audit from './audit.js';

const routes = {
  search: search.render,
  doc: doc.render,
  diff: doc.renderDiff,
  dups: dups.render,
  new: dups.renderNew,
  entities: entities.render,
  entity: entities.renderEntity,
  graph: graph.render,
  timeline: timeline.render,
  map: map.render,
  records: records.render,
  audit: audit.render,
};

const main = () => document.getElementById('main');
let generation = 0;

function renderNav(active) {
  const nav = clear(document.getElementById('nav'));
  const who = clear(document.getElementById('who'));
  if (!session.user) return;
  const items = [['search', 'Search'], ['dups', 'Duplicates'], ['new', "What's new"], ['entities', 'Entities'],
    ['graph', 'Graph'], ['map', 'Map'], ['timeline', 'Timeline'], ['records', 'Records']];
  if (isAdmin()) items.push(['audit', 'Audit']);
  for (const [k, label] of items) {
    nav.appendChild(h('a', { href: '#/' + k, class: k === active ? 'active' : null, id: 'nav-' + k }, label));
  }
  who.appendChild(h('span', { dir: 'auto', class: 'user' }, session.user));
  who.appendChild(h('span', { class: 'role' }, session.role));
  who.appendChild(h('button', { type: 'button', class: 'link', id: 'logout', on: { click: async () => {
    await logout().catch(() => {});
    location.hash = '#/login';
    route();
  } } }, 'Log out'));
}

function renderLogin(el, message) {
  renderNav(null);
  const user = h('input', { name: 'user', id: 'login-user', autocomplete: 'username', required: true, dir: 'auto' });
  const pass = h('input', { name: 'password', id: 'login-password', type: 'password', autocomplete: 'current-password', required: true });
  const msg = h('p', { class: 'error', role: 'alert', id: 'login-error' }, message || '');
  const form = h('form', { class: 'login', id: 'login-form' },
    h('h1', null, 'daftar workbench'),
    h('label', null, 'User', user),
    h('label', null, 'Password', pass),
    h('button', { type: 'submit' }, 'Log in'),
    msg);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    msg.textContent = '';
    try {
      await login(user.value, pass.value);
      const back = sessionStorage.getItem('daftar-after-login');
      sessionStorage.removeItem('daftar-after-login');
      location.hash = back && !back.startsWith('#/login') ? back : '#/search';
      route();
    } catch (e) {
      msg.textContent = e.status === 429 ? 'Too many failed attempts: this user is locked for a while.'
        : e.status === 401 ? 'Wrong user or password.' : e.message;
    }
  });
  clear(el).appendChild(form);
  user.focus();
}

export async function route() {
  const gen = ++generation;
  const el = main();
  const { parts, params } = parseHash();
  const page = parts[0] || 'search';
  if (!session.user) {
    let ok = false;
    try { ok = await loadMe(); } catch (e) { clear(el).appendChild(errorBox(e)); return; }
    if (gen !== generation) return;
    if (!ok) {
      if (page !== 'login') sessionStorage.setItem('daftar-after-login', location.hash);
      renderLogin(el);
      return;
    }
  }
  if (page === 'login') { location.hash = '#/search'; return; }
  const fn = routes[page];
  renderNav(page === 'diff' ? 'dups' : page === 'entity' ? 'entities' : page === 'doc' ? null : page);
  clear(el);
  document.title = 'daftar · ' + page;
  if (!fn) { el.appendChild(errorBox('No such page: ' + page)); return; }
  const box = h('div', { class: 'page page-' + page, id: 'page-' + page });
  el.appendChild(box);
  try {
    await fn(box, parts.slice(1), params, () => gen === generation);
  } catch (e) {
    if (gen !== generation) return;
    if (e.status === 401) return;
    box.appendChild(errorBox(e));
  }
  if (gen === generation) el.setAttribute('data-ready', page);
}

setUnauthorizedHandler(() => {
  Object.assign(session, { user: null, role: null, csrf: null });
  if (!location.hash.startsWith('#/login')) sessionStorage.setItem('daftar-after-login', location.hash);
  renderLogin(main(), 'Your session has ended: log in again.');
});

window.addEventListener('hashchange', () => { main().removeAttribute('data-ready'); route(); });
route();
