// util.js - DOM helpers. Every string from the server goes into the page
// as a text node (textContent); no HTML strings are ever parsed here.

// h('a', {href: '#/x', class: 'c', on: {click: fn}}, 'text', child, [more])
// Attributes are set with setAttribute (never on* handler strings); children
// that are strings or numbers become text nodes; null/false are skipped.
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'on') {
        for (const [ev, fn] of Object.entries(v)) el.addEventListener(ev, fn);
      } else if (k === 'class') {
        el.className = v;
      } else if (k === 'text') {
        el.textContent = String(v);
      } else if (/^on/i.test(k)) {
        throw new Error('inline handler attributes are not allowed');
      } else {
        el.setAttribute(k, v === true ? '' : String(v));
      }
    }
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else if (c instanceof Node) el.appendChild(c);
    else el.appendChild(document.createTextNode(String(c)));
  }
  return el;
}

// A block of text from a document: its own direction (Arabic right-to-left).
export function t(tag, text, cls) {
  return h(tag, { dir: 'auto', class: cls }, text === null || text === undefined ? '' : String(text));
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

// A snippet from /api/search: highlighted words are between \u0002 and
// \u0003 (never HTML). Text nodes for the text, <mark> for the highlights.
export function markedFragment(s) {
  const frag = document.createDocumentFragment();
  if (!s) return frag;
  let inMark = false;
  let cur = null;
  for (const part of String(s).split(/([\u0002\u0003])/)) {
    if (part === '\u0002') { inMark = true; continue; }
    if (part === '\u0003') { inMark = false; continue; }
    if (!part) continue;
    if (inMark) {
      cur = document.createElement('mark');
      cur.textContent = part;
      frag.appendChild(cur);
    } else {
      frag.appendChild(document.createTextNode(part));
    }
  }
  return frag;
}

// Folding close to daftar's analyzer, one output unit per input code unit
// (or none), so positions map back: case, Arabic diacritics and tatweel,
// alef/yeh/teh-marbuta forms, Latin accents.
const AR_DROP = /[\u064B-\u065F\u0670\u0640\u06D6-\u06ED]/;
const AR_MAP = { '\u0623': '\u0627', '\u0625': '\u0627', '\u0622': '\u0627', '\u0671': '\u0627',
  '\u0629': '\u0647', '\u0649': '\u064A', '\u06CC': '\u064A', '\u06A9': '\u0643' };
function foldChar(c) {
  if (AR_DROP.test(c)) return '';
  if (AR_MAP[c]) return AR_MAP[c];
  const d = c.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
  return (d || c).toLowerCase().slice(0, 1) || c;
}
function fold(s) {
  let out = '';
  const map = [];
  for (let i = 0; i < s.length; i++) {
    const f = foldChar(s[i]);
    if (f) { out += f; map.push(i); }
  }
  return { out, map };
}

// The words of a query worth highlighting in a document's text: filters,
// operators and punctuation left out; an Arabic article stripped so
// الرقة also marks بالرقة and ٱلرَّقَّةِ.
export function queryTerms(q) {
  if (!q) return [];
  const terms = new Set();
  const cleaned = String(q).replace(/-?[a-z_]+:("[^"]*"|\S+)/gi, ' ');
  for (const m of cleaned.matchAll(/"([^"]+)"|(\S+)/g)) {
    const parts = m[1] ? [m[1]] : [m[2]];
    for (let w of parts) {
      if (/^(OR|AND|NOT|NEAR)$/.test(w)) continue;
      if (w.startsWith('-')) continue;
      w = w.replace(/^[~(]+|[)*]+$|~\d$/g, '').replace(/^NEAR\(/, '');
      let f = fold(w).out.trim();
      if (!m[1]) f = f.replace(/[^\p{L}\p{N}]/gu, '');
      if ([...f].length >= 5 && f.startsWith('\u0627\u0644')) f = f.slice(2);
      if ([...f].length >= 2) terms.add(f);
    }
  }
  return [...terms];
}

// Does a word (an OCR box's text) contain one of the terms, folded alike?
export function matchesTerms(word, terms) {
  if (!terms || !terms.length || !word) return false;
  const f = fold(word).out;
  return terms.some((term) => f.includes(term));
}

// Text with every occurrence of the terms wrapped in <mark>.
export function highlightFragment(text, terms) {
  const frag = document.createDocumentFragment();
  text = text || '';
  if (!terms || !terms.length) { frag.appendChild(document.createTextNode(text)); return frag; }
  const { out, map } = fold(text);
  const ranges = [];
  for (const term of terms) {
    let i = 0;
    while ((i = out.indexOf(term, i)) !== -1) {
      ranges.push([map[i], map[i + term.length - 1] + 1]);
      i += term.length;
    }
  }
  ranges.sort((a, b) => a[0] - b[0]);
  let pos = 0;
  for (const [s0, e] of ranges) {
    if (s0 < pos) continue;
    // extend to the end of the word and over trailing diacritics
    let end = e;
    while (end < text.length && /[\p{L}\p{M}\p{N}]/u.test(text[end])) end++;
    let start = s0;
    while (start > 0 && /[\p{L}\p{M}\p{N}]/u.test(text[start - 1])) start--;
    if (start < pos) start = pos;
    frag.appendChild(document.createTextNode(text.slice(pos, start)));
    const m = document.createElement('mark');
    m.textContent = text.slice(start, end);
    frag.appendChild(m);
    pos = end;
  }
  frag.appendChild(document.createTextNode(text.slice(pos)));
  return frag;
}

// #/page?a=1&b=2 -> {page, params}
export function parseHash() {
  const raw = location.hash.replace(/^#\/?/, '');
  const qi = raw.indexOf('?');
  const path = qi < 0 ? raw : raw.slice(0, qi);
  const params = new URLSearchParams(qi < 0 ? '' : raw.slice(qi + 1));
  return { parts: path.split('/').filter(Boolean).map(decodeURIComponent), params };
}

export function hashFor(path, params) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) {
    if (v === null || v === undefined || v === '') continue;
    if (Array.isArray(v)) v.forEach((x) => p.append(k, x));
    else p.set(k, String(v));
  }
  const qs = p.toString();
  return '#/' + path + (qs ? '?' + qs : '');
}

export function docLink(id, label, q) {
  const n = Number(id);
  return h('a', { href: hashFor('doc/' + n, { q }), dir: 'auto', class: 'doclink' },
    label === undefined || label === null ? '#' + n : String(label));
}

export function entityLink(id, label) {
  return h('a', { href: '#/entity/' + Number(id), dir: 'auto' }, String(label));
}

export function fmtBytes(n) {
  if (n === null || n === undefined) return '';
  if (n < 1024) return n + ' B';
  if (n < 1048576) return (n / 1024).toFixed(1) + ' KiB';
  return (n / 1048576).toFixed(1) + ' MiB';
}

export function table(headers, rows) {
  return h('table', null,
    h('thead', null, h('tr', null, headers.map((x) => h('th', null, x)))),
    h('tbody', null, rows.map((r) => h('tr', null, r.map((c) => h('td', { dir: 'auto' }, c))))));
}

export function empty(msg) {
  return h('p', { class: 'empty' }, msg);
}

export function errorBox(err) {
  return h('p', { class: 'error', role: 'alert', dir: 'auto' },
    err && err.message ? err.message : String(err));
}
