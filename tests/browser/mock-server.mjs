// mock-server.mjs - a stand-in for `daftar serve` while it is being written:
// serves web/ as the real server does (/ and /static/…, with the CSP of
// docs/API.md) and answers /api/ in the shapes of docs/API.md, asking the
// daftar command line (--json) where it can and making up the rest.
//   node tests/browser/mock-server.mjs PORT [CASE] [DAFTAR]
// Users: admin/admin, editor/editor, viewer/viewer. Development only.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const port = Number(process.argv[2] || 8099);
const caseDir = process.argv[3] || path.join(root, 'demo-case');
const daftar = process.argv[4] || path.join(root, 'build/daftar');
const web = path.join(root, 'web');
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; frame-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
const users = { admin: 'admin', editor: 'editor', viewer: 'viewer' };
const sessions = new Map();
const tags = new Map();
const notes = new Map();
const audit = [];

function cli(...args) {
  return JSON.parse(execFileSync(daftar, [...args.slice(0, 1), caseDir, ...args.slice(1), '--json'], { encoding: 'utf8', maxBuffer: 1 << 28 }));
}
function send(res, status, obj, headers = {}) {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer', ...headers });
  res.end(JSON.stringify(obj));
}
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.png': 'image/png' };

function entityDetail(id) {
  const all = cli('entities').entities;
  const e = all.find((x) => x.id === id);
  if (!e) return null;
  const docs = cli('docs').documents;
  const mine = docs.filter((d) => { try { return cli('entities', '--doc', String(d.id)).entities.some((x) => x.id === id); } catch { return false; } });
  const co = new Map();
  for (const d of mine) for (const x of cli('entities', '--doc', String(d.id)).entities) if (x.id !== id) co.set(x.id, { id: x.id, type: x.type, name: x.name, documents: (co.get(x.id)?.documents || 0) + 1 });
  return { entity: e, documents: mine.map((d) => ({ id: d.id, path: d.path, mentions: 1 })), cooccurring: [...co.values()].sort((a, b) => b.documents - a.documents).slice(0, 30) };
}

function graph(types, minW) {
  let ents = cli('entities').entities;
  if (types.length) ents = ents.filter((e) => types.includes(e.type));
  ents = ents.slice(0, 60);
  const ids = new Set(ents.map((e) => e.id));
  const edges = new Map();
  for (const d of cli('docs').documents) {
    let es;
    try { es = cli('entities', '--doc', String(d.id)).entities.filter((x) => ids.has(x.id)).map((x) => x.id); } catch { continue; }
    for (let i = 0; i < es.length; i++) for (let j = i + 1; j < es.length; j++) {
      const k = Math.min(es[i], es[j]) + '-' + Math.max(es[i], es[j]);
      edges.set(k, (edges.get(k) || 0) + 1);
    }
  }
  return { nodes: ents.map((e) => ({ id: e.id, type: e.type, name: e.name, documents: e.documents })),
    edges: [...edges].filter(([, n]) => n >= minW).map(([k, n]) => { const [a, b] = k.split('-').map(Number); return { a, b, documents: n }; }) };
}

const UQ = new Intl.DateTimeFormat('en-u-ca-islamic-umalqura-nu-latn', { year: 'numeric', month: '2-digit', day: '2-digit', timeZone: 'UTC' });
function hijri(iso) {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(iso)) return null;
  const p = Object.fromEntries(UQ.formatToParts(new Date(iso + 'T00:00:00Z')).map((x) => [x.type, x.value]));
  return `${String(parseInt(p.year, 10)).padStart(4, '0')}-${p.month}-${p.day}`;
}
function timeline() {
  const dates = [];
  for (const d of cli('docs').documents) {
    try {
      for (const e of cli('entities', '--doc', String(d.id)).entities.filter((x) => x.type === 'date')) {
        dates.push({ date: e.name.slice(0, 10), hijri: hijri(e.name), doc: d.id, page: 1, surface: e.variants[0] });
      }
    } catch { /* no entities */ }
  }
  return { dates: dates.sort((a, b) => a.date.localeCompare(b.date)) };
}

async function body(req) {
  let b = '';
  for await (const c of req) b += c;
  try { return JSON.parse(b || '{}'); } catch { return {}; }
}

http.createServer(async (req, res) => {
  const u = new URL(req.url, 'http://x');
  const p = u.pathname;
  try {
    if (p === '/' || p.startsWith('/static/')) {
      if (/\.\.|%2e|\\|\0/i.test(req.url)) return send(res, 400, { error: 'bad path' });
      const f = p === '/' ? path.join(web, 'index.html') : path.join(web, p.slice('/static/'.length));
      if (!f.startsWith(web) || !fs.existsSync(f) || !fs.statSync(f).isFile()) return send(res, 404, { error: 'not found' });
      res.writeHead(200, { 'Content-Type': TYPES[path.extname(f)] || 'application/octet-stream', 'Content-Security-Policy': CSP, 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer' });
      return res.end(fs.readFileSync(f));
    }
    if (!p.startsWith('/api/')) return send(res, 404, { error: 'not found' });
    const cookie = /daftar_session=([^;]+)/.exec(req.headers.cookie || '');
    const s = cookie && sessions.get(cookie[1]);
    if (p === '/api/login' && req.method === 'POST') {
      const b = await body(req);
      if (!users[b.user] || users[b.user] !== b.password) return send(res, 401, { error: 'wrong user or password' });
      const tok = crypto.randomBytes(16).toString('hex');
      const sess = { user: b.user, role: b.user === 'admin' ? 'admin' : b.user === 'editor' ? 'editor' : 'viewer', csrf: crypto.randomBytes(16).toString('hex') };
      sessions.set(tok, sess);
      return send(res, 200, sess, { 'Set-Cookie': `daftar_session=${tok}; HttpOnly; SameSite=Strict; Path=/` });
    }
    if (!s) return send(res, 401, { error: 'log in first' });
    if (req.method !== 'GET') {
      if (req.headers['x-csrf-token'] !== s.csrf) return send(res, 403, { error: 'bad CSRF token' });
      if (p !== '/api/logout' && s.role === 'viewer') return send(res, 403, { error: 'viewers cannot change the case' });
    }
    audit.unshift({ at: new Date().toISOString(), user: s.user, addr: '127.0.0.1', action: req.method + ' ' + p, target: null, detail: u.search });
    let m;
    if (p === '/api/me') return send(res, 200, s);
    if (p === '/api/logout') { sessions.delete(cookie[1]); return send(res, 200, { ok: true }); }
    if (p === '/api/status') return send(res, 200, cli('status'));
    if (p === '/api/search') {
      let q = u.searchParams.get('q') || '';
      const tm = /(?:^|\s)tag:(\S+)/.exec(q);
      const args = ['search'];
      let r;
      if (tm) {
        const ids = [...tags].filter(([, t]) => t.includes(tm[1])).map(([id]) => id);
        const docs = cli('docs').documents.filter((d) => ids.includes(d.id));
        r = { query: q, total: docs.length, took_ms: 0.1, hits: docs.map((d) => ({ id: d.id, path: d.path, paths: d.paths, title: null, score: 1, page: 1, snippet: d.path })), facets: {} };
      } else {
        args.push(q, '--limit', u.searchParams.get('limit') || '20', '--offset', u.searchParams.get('offset') || '0');
        if (u.searchParams.get('facets')) args.push('--facets');
        if (u.searchParams.get('sort')) args.push('--sort', u.searchParams.get('sort'));
        try { r = cli(...args); } catch (e) { return send(res, 400, { error: String(e.stderr || e.message).trim() }); }
        for (const h of r.hits) h.snippet = (h.snippet || '').replace(/«/g, '\u0002').replace(/»/g, '\u0003');
      }
      return send(res, 200, r);
    }
    if (p === '/api/docs') return send(res, 200, cli('docs'));
    if ((m = /^\/api\/docs\/(\d+)$/.exec(p))) {
      const r = cli('show', m[1], ...(u.searchParams.get('text') ? ['--text'] : []));
      r.tags = tags.get(r.id) || [];
      r.notes = notes.get(r.id) || [];
      return send(res, 200, r);
    }
    if ((m = /^\/api\/docs\/(\d+)\/entities$/.exec(p))) return send(res, 200, { ...cli('entities', '--doc', m[1]), mentions: [] });
    if ((m = /^\/api\/docs\/(\d+)\/diff\/(\d+)$/.exec(p))) return send(res, 200, cli('show', m[1], '--diff', m[2]));
    if ((m = /^\/api\/docs\/(\d+)\/original$/.exec(p))) {
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Disposition': 'attachment; filename="original"', 'Content-Security-Policy': "default-src 'none'; sandbox" });
      return res.end('original bytes');
    }
    if ((m = /^\/api\/docs\/(\d+)\/tags$/.exec(p)) && req.method === 'POST') {
      const b = await body(req);
      const id = Number(m[1]);
      const t = tags.get(id) || [];
      if (!t.includes(b.tag)) t.push(b.tag);
      tags.set(id, t);
      return send(res, 200, { tags: t });
    }
    if ((m = /^\/api\/docs\/(\d+)\/tags\/(.+)$/.exec(p)) && req.method === 'DELETE') {
      const id = Number(m[1]);
      const t = (tags.get(id) || []).filter((x) => x !== decodeURIComponent(m[2]));
      tags.set(id, t);
      return send(res, 200, { tags: t });
    }
    if ((m = /^\/api\/docs\/(\d+)\/notes$/.exec(p)) && req.method === 'POST') {
      const b = await body(req);
      const id = Number(m[1]);
      const n = notes.get(id) || [];
      n.push({ id: n.length + 1, user: s.user, at: new Date().toISOString(), text: b.text });
      notes.set(id, n);
      return send(res, 200, { notes: n });
    }
    if (p === '/api/dups') return send(res, 200, cli('dups'));
    if (p === '/api/new') return send(res, 200, cli('new', '--batch', u.searchParams.get('batch')));
    if (p === '/api/entities') {
      const args = ['entities'];
      if (u.searchParams.get('type')) args.push('--type', u.searchParams.get('type'));
      let r = cli(...args).entities;
      const q = u.searchParams.get('q');
      if (q) r = r.filter((e) => e.name.toLowerCase().includes(q.toLowerCase()));
      const off = Number(u.searchParams.get('offset') || 0);
      return send(res, 200, { entities: r.slice(off, off + Number(u.searchParams.get('limit') || 100)) });
    }
    if ((m = /^\/api\/entities\/(\d+)$/.exec(p))) {
      const r = entityDetail(Number(m[1]));
      return r ? send(res, 200, r) : send(res, 404, { error: 'no such entity' });
    }
    if (p === '/api/entities/merge' || p === '/api/entities/split') return send(res, 200, cli('entities').entities[0]);
    if (p === '/api/graph') return send(res, 200, graph(u.searchParams.getAll('type'), Number(u.searchParams.get('min_weight') || 1)));
    if (p === '/api/timeline') return send(res, 200, timeline());
    if (p === '/api/audit') {
      if (s.role !== 'admin') return send(res, 403, { error: 'admins only' });
      return send(res, 200, { events: audit.slice(0, 100) });
    }
    if (p === '/api/users') return send(res, 200, { users: Object.keys(users).map((n) => ({ name: n, role: n === 'admin' ? 'admin' : n === 'editor' ? 'editor' : 'viewer', created: '2026-01-01T00:00:00Z' })) });
    return send(res, 404, { error: 'no such API' });
  } catch (e) {
    return send(res, 500, { error: String(e.message).split('\n')[0] });
  }
}).listen(port, '127.0.0.1', () => console.error(`mock daftar serve on http://127.0.0.1:${port}/`));
