// records.js - the forms' records (docs/FORMS.md): the templates, and per
// template a table of its filled forms, sortable and filterable; a value
// clicked shows where it was read: its page, characters and, for an OCR'd
// page, the crop of the page image beside the value, to check it by eye.
// Editors correct a misread value there (POST /api/docs/ID/fields): the
// table marks it corrected, with who, and the first reading is kept.
import { h, hashFor, docLink, empty } from './util.js';
import { api, post, canEdit, docPaths } from './api.js';

const MAX_ROWS = 2000;

function cellText(f) {
  if (!f || f.value === null || f.value === undefined) return '';
  return String(f.value);
}

function sortKey(f) {
  if (!f) return '';
  return f.normalized !== null && f.normalized !== undefined ? String(f.normalized) : cellText(f);
}

async function renderTemplates(box, current) {
  const r = await api('/api/forms');
  if (!current()) return;
  box.appendChild(h('h1', null, 'Records'));
  const ts = r.templates || [];
  if (!ts.length) { box.appendChild(empty('No form templates: no filled copies of one form were found.')); return; }
  const rows = ts.map((t) => h('tr', null,
    h('td', null, h('a', { href: hashFor('records', { template: t.id }), id: 'template-' + Number(t.id) }, 'template ' + Number(t.id))),
    h('td', null, String(t.language || '')),
    h('td', null, String(t.documents)),
    h('td', { dir: 'auto' }, (t.labels || []).slice(0, 8).join(' · ') + ((t.labels || []).length > 8 ? ' …' : ''))));
  box.appendChild(h('table', { id: 'templates' },
    h('thead', null, h('tr', null, ['template', 'language', 'filled forms', 'labels'].map((x) => h('th', null, x)))),
    h('tbody', null, rows)));
  box.appendChild(h('p', { class: 'muted' }, `${ts.length} templates in ${r.texts} texts.`));
}

function corrected(f) { return !!(f && f.corrected_by); }

function detail(panel, doc, label, f, paths, mime, onCorrect) {
  while (panel.firstChild) panel.removeChild(panel.firstChild);
  panel.appendChild(h('h2', { dir: 'auto' }, label));
  const dl = h('dl', null,
    h('dt', null, 'as written'), h('dd', { dir: 'auto', id: 'detail-value' }, cellText(f) || '(empty)'),
    h('dt', null, 'normalised'), h('dd', null, f && f.normalized ? String(f.normalized) : '—'),
    h('dt', null, 'kind'), h('dd', null, f && f.kind ? String(f.kind) : ''),
    h('dt', null, 'document'), h('dd', null, docLink(doc, paths.get(doc) || '#' + doc)),
    h('dt', null, 'where'), h('dd', null, f && f.page ? `page ${Number(f.page)}, characters ${Number(f.start)}-${Number(f.end)}` : 'not on the form'),
    h('dt', null, 'OCR confidence'), h('dd', null, f && f.confidence !== null && f.confidence !== undefined ? Number(f.confidence).toFixed(2) : '— (typed text)'));
  if (corrected(f)) {
    dl.appendChild(h('dt', null, 'corrected'));
    dl.appendChild(h('dd', { id: 'detail-corrected', dir: 'auto' },
      `by ${f.corrected_by} ${f.corrected_at || ''}; first read as: ${f.original === null || f.original === undefined ? '(absent)' : f.original || '(empty)'}`));
  }
  panel.appendChild(dl);
  if (canEdit() && onCorrect) {
    const input = h('input', { id: 'correct-input', name: 'value', dir: 'auto', value: cellText(f), maxlength: 16384 });
    const msg = h('p', { class: 'error', role: 'alert', id: 'correct-error' });
    const form = h('form', { class: 'inline', id: 'correct-form' }, input, h('button', { type: 'submit' }, 'Correct'));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      msg.textContent = '';
      try {
        const r = await post(`/api/docs/${Number(doc)}/fields`, { label, value: input.value });
        onCorrect(r.fields || {});
      } catch (e) { msg.textContent = e.message; }
    });
    panel.appendChild(form);
    panel.appendChild(msg);
  }
  if (f && f.box && f.page && mime && mime.startsWith('image/')) {
    // the OCR boxes are in the image's own pixels: the crop is cut from the original
    const [x, y, w, hh] = f.box.map(Number);
    const pad = 12;
    const crop = h('div', { class: 'crop', id: 'detail-crop', title: 'where the value was read' });
    crop.style.width = (w + 2 * pad) + 'px';
    crop.style.height = (hh + 2 * pad) + 'px';
    crop.style.backgroundImage = `url("/api/docs/${Number(doc)}/original")`;
    crop.style.backgroundPosition = `${-(x - pad)}px ${-(y - pad)}px`;
    crop.style.backgroundRepeat = 'no-repeat';
    crop.style.border = '1px solid #888';
    crop.style.maxWidth = '100%';
    crop.style.overflow = 'hidden';
    panel.appendChild(crop);
  }
}

export async function render(box, _parts, params, current) {
  const tid = Number(params.get('template') || 0);
  if (!tid) return renderTemplates(box, current);
  const [r, paths] = await Promise.all([api('/api/records', { template: tid }), docPaths()]);
  if (!current()) return;
  const labels = r.labels || [];
  const recs = r.records || [];
  box.appendChild(h('h1', null, `Records of template ${tid}`));
  box.appendChild(h('p', null, h('a', { href: '#/records' }, 'all templates')));
  const filter = h('input', { type: 'search', id: 'records-filter', placeholder: 'filter: a value, as written or normalised', dir: 'auto' });
  box.appendChild(h('p', null, filter));
  const panel = h('aside', { id: 'record-detail', class: 'detail' });
  const tbody = h('tbody');
  const count = h('p', { class: 'muted', id: 'records-count' });
  let sortCol = -1;
  let sortDir = 1;

  function draw() {
    const q = filter.value.trim().toLowerCase();
    let rows = recs;
    if (q) rows = rows.filter((rec) => labels.some((l) => {
      const f = rec.fields[l];
      return cellText(f).toLowerCase().includes(q) || sortKey(f).toLowerCase().includes(q);
    }));
    if (sortCol >= 0) {
      const l = labels[sortCol];
      rows = rows.slice().sort((a, b) => sortDir * sortKey(a.fields[l]).localeCompare(sortKey(b.fields[l])));
    }
    while (tbody.firstChild) tbody.removeChild(tbody.firstChild);
    for (const rec of rows.slice(0, MAX_ROWS)) {
      const tr = h('tr', null, h('td', null, docLink(rec.document, '#' + Number(rec.document))));
      for (const l of labels) {
        const f = rec.fields[l];
        const td = h('td', { dir: 'auto', class: 'record-value' + (corrected(f) ? ' corrected' : ''), tabindex: '0' }, cellText(f));
        if (f && f.normalized && f.normalized !== cellText(f)) td.appendChild(h('span', { class: 'muted', dir: 'ltr' }, ' ' + String(f.normalized)));
        if (corrected(f)) {
          td.title = `corrected by ${f.corrected_by}; first read as ${f.original === null || f.original === undefined ? '(absent)' : f.original}`;
          td.appendChild(h('span', { class: 'correction-mark', title: td.title }, ' ✎'));
        }
        const show = async () => {
          const cur = rec.fields[l];
          let mime = null;
          if (cur && cur.box) mime = (await api('/api/docs/' + Number(rec.document)).catch(() => ({}))).mime || null;
          detail(panel, rec.document, l, cur, paths, mime, (fields) => {
            rec.fields = fields;
            draw();
            show();
          });
        };
        td.addEventListener('click', show);
        tr.appendChild(td);
      }
      tbody.appendChild(tr);
    }
    count.textContent = `${rows.length} of ${recs.length} filled forms` + (rows.length > MAX_ROWS ? ` (the first ${MAX_ROWS} shown)` : '');
  }

  const head = h('tr', null, h('th', null, 'document'), labels.map((l, i) => h('th', {
    dir: 'auto', class: 'sortable', title: 'sort', on: { click: () => { sortDir = sortCol === i ? -sortDir : 1; sortCol = i; draw(); } },
  }, l)));
  filter.addEventListener('input', draw);
  if (!recs.length) { box.appendChild(empty('No records.')); return; }
  box.appendChild(panel); // above the table: a value clicked is checked without scrolling
  box.appendChild(count);
  const wrap = h('div', { class: 'records-wrap' }, h('table', { id: 'records' }, h('thead', null, head), tbody));
  wrap.style.overflowX = 'auto';
  box.appendChild(wrap);
  draw();
}
