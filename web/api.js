// api.js - the workbench's calls to `daftar serve` (docs/API.md).

export const session = { user: null, role: null, csrf: null };

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

let onUnauthorized = () => {};
export function setUnauthorizedHandler(fn) { onUnauthorized = fn; }

export function canEdit() { return session.role === 'editor' || session.role === 'admin'; }
export function isAdmin() { return session.role === 'admin'; }

// api('/api/search', {q: 'x'}) -> parsed JSON; throws ApiError.
export async function api(path, params, opts = {}) {
  let url = path;
  if (params) {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) {
      if (v === null || v === undefined || v === '') continue;
      if (Array.isArray(v)) v.forEach((x) => p.append(k, x));
      else p.set(k, String(v));
    }
    const qs = p.toString();
    if (qs) url += '?' + qs;
  }
  const init = { method: opts.method || 'GET', credentials: 'same-origin', headers: { Accept: 'application/json' } };
  if (init.method !== 'GET') {
    init.headers['Content-Type'] = 'application/json';
    if (session.csrf) init.headers['X-CSRF-Token'] = session.csrf;
    init.body = JSON.stringify(opts.body || {});
  }
  let res;
  try {
    res = await fetch(url, init);
  } catch (e) {
    throw new ApiError(0, 'the server cannot be reached (' + e.message + ')');
  }
  let body = null;
  try { body = await res.json(); } catch (e) { body = null; }
  if (!res.ok) {
    const msg = body && typeof body.error === 'string' ? body.error : res.status + ' ' + res.statusText;
    if (res.status === 401 && !opts.noRedirect) onUnauthorized();
    throw new ApiError(res.status, msg);
  }
  return body;
}

export const post = (path, body) => api(path, null, { method: 'POST', body });
export const del = (path) => api(path, null, { method: 'DELETE', body: {} });

export async function loadMe() {
  try {
    const me = await api('/api/me', null, { noRedirect: true });
    Object.assign(session, { user: me.user, role: me.role, csrf: me.csrf });
    return true;
  } catch (e) {
    if (e.status === 401) {
      Object.assign(session, { user: null, role: null, csrf: null });
      return false;
    }
    throw e;
  }
}

export async function login(user, password) {
  const me = await api('/api/login', null, { method: 'POST', body: { user, password }, noRedirect: true });
  Object.assign(session, { user: me.user, role: me.role, csrf: me.csrf });
}

export async function logout() {
  try { await post('/api/logout', {}); } finally {
    Object.assign(session, { user: null, role: null, csrf: null });
  }
}

// id -> path of every document (for lists that only carry ids); fetched once
// per page view and cached for a minute.
let pathCache = null;
let pathCacheAt = 0;
export async function docPaths() {
  if (pathCache && Date.now() - pathCacheAt < 60000) return pathCache;
  const map = new Map();
  try {
    // pages of 500, at most 20,000 documents: lists of larger cases show ids
    for (let offset = 0; offset < 20000; offset += 500) {
      const r = await api('/api/docs', { limit: 500, offset });
      const docs = r.documents || [];
      for (const d of docs) map.set(d.id, d.path);
      if (docs.length < 500) break;
    }
  } catch (e) {
    if (e.status === 401) throw e;
  }
  pathCache = map;
  pathCacheAt = Date.now();
  return map;
}
