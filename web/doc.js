// doc.js - one document: metadata, the original (page images, download),
// e-mail headers, text with the query's words marked, parent/children,
// duplicates and near-duplicates (side-by-side diff), entities, tags, notes.
import { h, t, clear, hashFor, docLink, entityLink, fmtBytes, queryTerms, highlightFragment, matchesTerms, empty, errorBox } from './util.js';
import { api, post, del, canEdit, docPaths } from './api.js';

const MAX_PAGES_SHOWN = 20;
const PAGE_TYPES = new Set(['pdf', 'image', 'png', 'jpeg', 'jpg', 'gif', 'tiff', 'webp', 'bmp']);

function section(title, id, ...children) {
  return h('section', { class: 'card', id }, h('h2', null, title), ...children);
}

function isEmail(d) {
  return d.type === 'email' || d.type === 'msg' || /^message\//.test(d.mime || '');
}

function pageCount(d) {
  const isPaged = PAGE_TYPES.has(d.type) || /^image\/|\/pdf$/.test(d.mime || '');
  if (!isPaged || d.status === 'failed') return 0;
  return Number(d.pages) > 0 ? Number(d.pages) : (d.type === 'pdf' ? 0 : 1);
}

export async function render(box, parts, params, current) {
  const id = parseInt(parts[0], 10);
  if (!Number.isFinite(id)) throw new Error('No such document');
  const q = params.get('q') || '';
  const d = await api('/api/docs/' + id, { text: 1 });
  if (!current()) return;
  document.title = 'daftar · ' + (d.meta && d.meta.title ? d.meta.title : d.path);

  const heading = h('div', { class: 'doc-head' },
    q ? h('a', { href: hashFor('search', { q }), class: 'back' }, '← results') : null,
    h('h1', { dir: 'auto', id: 'doc-title' }, d.meta && d.meta.title ? d.meta.title : d.path),
    d.meta && d.meta.title ? t('p', d.path, 'path') : null,
    h('p', { class: 'actions' },
      h('a', { href: '/api/docs/' + id + '/original', id: 'download', rel: 'noopener', download: '' }, 'Download the original'),
      ' ', h('span', { class: 'muted' }, `${d.type || '?'} · ${fmtBytes(d.size)}`)));
  box.appendChild(heading);

  const grid = h('div', { class: 'doc-grid' });
  const left = h('div', { class: 'doc-main' });
  const right = h('div', { class: 'doc-side' });
  grid.append(left, right);
  box.appendChild(grid);

  // e-mail headers
  if (isEmail(d) && d.meta) {
    const rows = [];
    for (const k of ['from', 'to', 'cc', 'bcc', 'reply_to', 'date_header', 'date', 'subject', 'message_id']) {
      if (d.meta[k]) rows.push(h('tr', null, h('th', null, k.replace(/_/g, '-')), h('td', { dir: 'auto' }, String(d.meta[k]))));
    }
    if (rows.length) left.appendChild(section('E-mail', 'email-headers', h('table', { class: 'kv' }, h('tbody', null, rows))));
  }

  if (d.status === 'failed') {
    left.appendChild(h('p', { class: 'error', dir: 'auto' }, 'Could not be read: ' + (d.error || 'unknown reason')));
  }

  // page images of PDFs and scans (rendered by the server, never the original inline),
  // with the OCR boxes of the query's words drawn over them
  if (pageCount(d) > 0) {
    const n = pageCount(d);
    const pages = h('div', { class: 'pages', id: 'pages' });
    const shown = Math.min(n, MAX_PAGES_SHOWN);
    const hitBoxes = ocrHitBoxes(d, queryTerms(q));
    for (let p = 1; p <= shown; p++) {
      const wrap = h('div', { class: 'page-wrap' });
      const img = h('img', { src: `/api/docs/${id}/pages/${p}.png?scale=${PAGE_SCALE}`, alt: `page ${p}`, loading: 'lazy', on: {
        error: () => { fig.replaceWith(h('p', { class: 'muted' }, `Page ${p} could not be shown: download the original.`)); },
        load: () => drawBoxes(wrap, img, d, hitBoxes.filter((b) => b[0] === p)),
      } });
      wrap.appendChild(img);
      const fig = h('figure', null, wrap, h('figcaption', null, `page ${p} of ${n}`));
      pages.appendChild(fig);
    }
    if (n > shown) pages.appendChild(h('p', { class: 'muted' }, `${n - shown} more pages: download the original.`));
    left.appendChild(section('Pages', 'pages-card', pages));
  }

  // extracted text, the query's words marked
  const terms = queryTerms(q);
  if (d.text !== undefined && d.text !== null && d.text !== '') {
    const pre = h('pre', { class: 'text', dir: 'auto', id: 'doc-text' });
    pre.appendChild(highlightFragment(d.text, terms));
    const card = section('Text', 'text-card', pre);
    if (d.main_text) {
      const main = h('pre', { class: 'text', dir: 'auto' });
      main.appendChild(highlightFragment(d.main_text, terms));
      card.appendChild(h('details', null, h('summary', null, 'Main text (without navigation and boilerplate)'), main));
    }
    left.appendChild(card);
  } else if (d.status !== 'failed') {
    left.appendChild(section('Text', 'text-card', empty('No text was extracted from this document.')));
  }

  // metadata
  const meta = [];
  const add = (k, v) => { if (v !== null && v !== undefined && v !== '') meta.push(h('tr', null, h('th', null, k), h('td', { dir: 'auto' }, v))); };
  add('id', String(d.id));
  add('type', d.type);
  add('MIME', d.mime);
  add('language', d.language);
  add('batch', d.batch !== null && d.batch !== undefined ? String(d.batch) : null);
  add('size', fmtBytes(d.size));
  add('pages', d.pages ? String(d.pages) : null);
  add('SHA-256', h('code', { class: 'hash' }, String(d.sha256 || '')));
  if (d.paths && d.paths.length) add('seen at', h('ul', { class: 'plain' }, d.paths.map((p) => h('li', { dir: 'auto' }, p))));
  for (const [k, v] of Object.entries(d.meta || {})) {
    if (isEmail(d) && ['from', 'to', 'cc', 'subject', 'date_header', 'message_id'].includes(k)) continue;
    if (k === 'title' || (k === 'pages' && d.pages)) continue; // the heading; the page count above
    add(k, typeof v === 'string' ? v : JSON.stringify(v));
  }
  right.appendChild(section('Metadata', 'meta-card', h('table', { class: 'kv' }, h('tbody', null, meta))));

  // parent / children
  const family = h('div');
  if (d.parent) family.appendChild(h('p', null, 'Inside: ', docLink(d.parent, '#' + d.parent)));
  if (d.children && d.children.length) {
    family.appendChild(h('p', null, `Contains ${d.children.length}:`));
    family.appendChild(h('ul', { class: 'plain', id: 'children' }, d.children.map((c) => h('li', { dir: 'auto' }, docLink(c, '#' + c)))));
  }
  if (family.firstChild) {
    right.appendChild(section('Archive / attachments', 'family-card', family));
    docPaths().then((paths) => {
      for (const a of family.querySelectorAll('a.doclink')) {
        const n = Number(a.getAttribute('href').match(/doc\/(\d+)/)[1]);
        if (paths.has(n)) a.textContent = paths.get(n);
      }
    }).catch(() => {});
  }

  // tags and notes
  right.appendChild(tagsCard(id, d.tags || []));
  right.appendChild(notesCard(id, d.notes || []));

  // duplicates and entities load after the page is shown
  const dupCard = section('Duplicates', 'dups-card', h('p', { class: 'muted' }, 'Looking…'));
  const entCard = section('Entities', 'entities-card', h('p', { class: 'muted' }, 'Looking…'));
  right.appendChild(dupCard);
  right.appendChild(entCard);
  await Promise.all([fillDups(dupCard, d), fillEntities(entCard, id)]);
}

function tagsCard(id, tags) {
  const card = section('Tags', 'tags-card');
  const list = h('ul', { class: 'tags', id: 'tags' });
  const msg = h('p', { class: 'error', role: 'alert' });
  const draw = (tags) => {
    clear(list);
    if (!tags.length) list.appendChild(h('li', { class: 'muted' }, 'no tags'));
    for (const tag of tags) {
      list.appendChild(h('li', { class: 'tag', dir: 'auto' },
        h('a', { href: hashFor('search', { q: 'tag:' + (/[\s"()]/.test(tag) ? '"' + tag.replace(/"/g, '') + '"' : tag) }), dir: 'auto' }, tag),
        canEdit() ? h('button', { type: 'button', class: 'x', title: 'remove this tag', 'aria-label': 'remove tag',
          on: { click: async () => {
            try { draw((await del(`/api/docs/${id}/tags/${encodeURIComponent(tag)}`)).tags || []); } catch (e) { msg.textContent = e.message; }
          } } }, '×') : null));
    }
  };
  draw(tags);
  card.appendChild(list);
  if (canEdit()) {
    const input = h('input', { name: 'tag', id: 'tag-input', maxlength: 64, placeholder: 'new tag', dir: 'auto', required: true });
    const form = h('form', { class: 'inline', id: 'tag-form' }, input, h('button', { type: 'submit' }, 'Add tag'));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      msg.textContent = '';
      try {
        draw((await post(`/api/docs/${id}/tags`, { tag: input.value.trim() })).tags || []);
        input.value = '';
      } catch (e) { msg.textContent = e.message; }
    });
    card.appendChild(form);
  }
  card.appendChild(msg);
  return card;
}

function notesCard(id, notes) {
  const card = section('Notes', 'notes-card');
  const list = h('ul', { class: 'notes', id: 'notes' });
  const msg = h('p', { class: 'error', role: 'alert' });
  const draw = (notes) => {
    clear(list);
    if (!notes.length) list.appendChild(h('li', { class: 'muted' }, 'no notes'));
    for (const n of notes) {
      list.appendChild(h('li', { dir: 'auto' },
        h('div', { class: 'muted' }, `${n.user || '?'} · ${n.at || ''}`),
        h('p', { dir: 'auto', class: 'note-text' }, n.text || '')));
    }
  };
  draw(notes);
  card.appendChild(list);
  if (canEdit()) {
    const ta = h('textarea', { name: 'note', id: 'note-input', rows: 3, dir: 'auto', placeholder: 'add a note', required: true });
    const form = h('form', { id: 'note-form' }, ta, h('button', { type: 'submit' }, 'Add note'));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      msg.textContent = '';
      try {
        draw((await post(`/api/docs/${id}/notes`, { text: ta.value })).notes || []);
        ta.value = '';
      } catch (e) { msg.textContent = e.message; }
    });
    card.appendChild(form);
  }
  card.appendChild(msg);
  return card;
}

async function fillDups(card, d) {
  const body = h('div');
  try {
    const [r, paths] = await Promise.all([api('/api/dups'), docPaths()]);
    const mine = (r.clusters || []).filter((c) => (c.documents || []).includes(d.id));
    for (const c of mine) {
      if (c.kind === 'exact') {
        if ((c.paths || []).length > 1) {
          body.appendChild(h('p', null, `The same bytes were seen at ${c.paths.length} places (listed under Metadata).`));
        }
        continue;
      }
      const others = c.documents.filter((x) => x !== d.id);
      const label = c.kind === 'text' ? 'Same text, different bytes' : c.kind === 'template' ? 'Same form, filled in differently'
        : c.ocr_aligned ? `Copies across media: scans, photos, typed (similarity ≥ ${Number(c.similarity).toFixed(2)}, aligned words of the OCR'd text)`
        : `Near-duplicates (similarity ≥ ${Number(c.similarity).toFixed(2)})`;
      body.appendChild(h('h3', null, label));
      body.appendChild(h('ul', { class: 'plain' }, others.map((o) => h('li', { dir: 'auto' },
        docLink(o, paths.get(o) || '#' + o), ' ',
        h('a', { href: `#/diff/${d.id}/${o}`, class: 'diff-link' }, 'compare')))));
    }
    if (!body.firstChild) body.appendChild(empty('no duplicates'));
  } catch (e) {
    body.appendChild(errorBox(e));
  }
  clear(card).append(h('h2', null, 'Duplicates'), body);
}

async function fillEntities(card, id) {
  const body = h('div');
  try {
    const r = await api(`/api/docs/${id}/entities`);
    const ents = r.entities || [];
    if (!ents.length) body.appendChild(empty('no entities yet'));
    const byType = new Map();
    for (const e of ents) {
      if (!byType.has(e.type)) byType.set(e.type, []);
      byType.get(e.type).push(e);
    }
    for (const [type, list] of byType) {
      body.appendChild(h('h3', null, type));
      body.appendChild(h('ul', { class: 'plain entities' }, list.map((e) => h('li', { dir: 'auto' }, entityLink(e.id, e.name)))));
    }
  } catch (e) {
    body.appendChild(errorBox(e));
  }
  clear(card).append(h('h2', null, 'Entities'), body);
}

// #/diff/A/B: the two texts side by side, what B deleted and inserted marked.
const WORD = /[\p{L}\p{N}\p{M}]+/gu;
function markedWords(text, ranges, tag) {
  const frag = document.createDocumentFragment();
  const words = [...text.matchAll(WORD)];
  let pos = 0;
  for (const [s, e] of ranges) {
    if (e <= s || s >= words.length) continue;
    const start = words[s].index;
    const last = words[Math.min(e, words.length) - 1];
    const end = last.index + last[0].length;
    if (start < pos) continue;
    frag.appendChild(document.createTextNode(text.slice(pos, start)));
    frag.appendChild(h(tag, null, text.slice(start, end)));
    pos = end;
  }
  frag.appendChild(document.createTextNode(text.slice(pos)));
  return { frag, count: words.length };
}

export async function renderDiff(box, parts, _params, current) {
  const a = parseInt(parts[0], 10);
  const b = parseInt(parts[1], 10);
  const [diff, da, db] = await Promise.all([api(`/api/docs/${a}/diff/${b}`), api('/api/docs/' + a, { text: 1 }), api('/api/docs/' + b, { text: 1 })]);
  if (!current()) return;
  box.appendChild(h('h1', null, 'Compare two versions'));
  box.appendChild(h('p', { class: 'muted' },
    `similarity ${Number(diff.similarity).toFixed(2)} · ${diff.deleted || 0} words deleted, ${diff.inserted || 0} inserted`));
  const changes = diff.changes || [];
  const del = changes.filter((c) => c.op === 'delete' || c.op === 'replace').map((c) => c.a_words);
  const ins = changes.filter((c) => c.op === 'insert' || c.op === 'replace').map((c) => c.b_words);
  const left = markedWords(da.text || '', del, 'del');
  const right = markedWords(db.text || '', ins, 'ins');
  const col = (d, m) => h('div', { class: 'diff-col' },
    h('h2', null, docLink(d.id, d.path)),
    h('pre', { class: 'text', dir: 'auto' }, m.frag));
  box.appendChild(h('div', { class: 'diff', id: 'diff' }, col(da, left), col(db, right)));
  // the list of changes, in case the word counts differ from the server's
  box.appendChild(h('h2', null, 'Changes'));
  if (!changes.length) box.appendChild(empty('The texts are the same.'));
  box.appendChild(h('ul', { class: 'changes' }, changes.map((c) => h('li', { dir: 'auto' },
    h('span', { class: 'op op-' + c.op }, c.op === 'delete' ? 'deleted' : c.op === 'insert' ? 'inserted' : c.op),
    ' ', c.op === 'insert' ? h('ins', { dir: 'auto' }, c.text || '') : h('del', { dir: 'auto' }, c.text || '')))));
}

// ---- OCR word boxes over the page images -------------------------------------

const PAGE_SCALE = 1.5; // the page PNG's pixels per PDF point (pages/N.png?scale=)

// The OCR boxes ([page, x0, y0, x1, y1, start, end, conf]; start/end are
// byte offsets into the UTF-8 text, conf Tesseract's confidence 0-100, absent
// in cases read before it was kept) whose word contains a term of the query.
function ocrHitBoxes(d, terms) {
  if (!terms.length || !d.ocr_words || !d.text) return [];
  let boxes;
  try { boxes = JSON.parse(d.ocr_words); } catch (e) { return []; }
  if (!Array.isArray(boxes)) return [];
  const bytes = new TextEncoder().encode(d.text);
  const dec = new TextDecoder();
  return boxes.filter((b) => Array.isArray(b) && b.length >= 7 && b[6] <= bytes.length && b[5] < b[6] &&
    matchesTerms(dec.decode(bytes.subarray(b[5], b[6])), terms));
}

// Boxes are in image pixels for images (meta width) and in PDF points for
// scanned PDF pages: place them in percent of the picture as rendered.
function drawBoxes(wrap, img, d, boxes) {
  if (!boxes.length || !img.naturalWidth) return;
  const isImage = d.meta && d.meta.width && !/pdf/.test(d.mime || '');
  const unitsWide = isImage ? Number(d.meta.width) : img.naturalWidth / PAGE_SCALE;
  const unitsHigh = isImage ? Number(d.meta.height) : img.naturalHeight / PAGE_SCALE;
  if (!(unitsWide > 0 && unitsHigh > 0)) return;
  for (const b of boxes) {
    const conf = b.length > 7 ? ' (OCR confidence ' + Math.round(b[7]) + ' %)' : '';
    const el = h('span', { class: 'ocr-hit', title: 'a word of the query, where OCR read it' + conf });
    el.style.left = (100 * b[1] / unitsWide) + '%';
    el.style.top = (100 * b[2] / unitsHigh) + '%';
    el.style.width = (100 * (b[3] - b[1]) / unitsWide) + '%';
    el.style.height = (100 * (b[4] - b[2]) / unitsHigh) + '%';
    wrap.appendChild(el);
  }
}
