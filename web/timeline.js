// timeline.js - dated mentions over time, Hijri beside Gregorian.
import { h, hashFor, docLink, empty } from './util.js';
import { api, docPaths } from './api.js';

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const HIJRI_MONTHS = ['Muharram', 'Safar', 'Rabi al-Awwal', 'Rabi al-Thani', 'Jumada al-Ula', 'Jumada al-Akhira',
  'Rajab', 'Shaban', 'Ramadan', 'Shawwal', 'Dhu al-Qada', 'Dhu al-Hijja'];

function hijriLabel(s) {
  const m = /^(\d{3,4})(?:-(\d{2}))?(?:-(\d{2}))?$/.exec(s || '');
  if (!m) return s || '';
  const month = m[2] ? (HIJRI_MONTHS[Number(m[2]) - 1] || m[2]) + ' ' : '';
  return `${m[3] ? Number(m[3]) + ' ' : ''}${month}${Number(m[1])} AH`;
}

export async function render(box, _parts, params, current) {
  const from = params.get('from') || '';
  const to = params.get('to') || '';
  const [r, paths] = await Promise.all([api('/api/timeline', { from, to }), docPaths()]);
  if (!current()) return;
  box.appendChild(h('h1', null, 'Timeline'));
  const fromIn = h('input', { type: 'date', name: 'from', value: from });
  const toIn = h('input', { type: 'date', name: 'to', value: to });
  const form = h('form', { class: 'inline' }, h('label', null, 'from ', fromIn), h('label', null, ' to ', toIn), h('button', { type: 'submit' }, 'Show'));
  form.addEventListener('submit', (ev) => { ev.preventDefault(); location.hash = hashFor('timeline', { from: fromIn.value, to: toIn.value }); });
  box.appendChild(form);
  const dates = r.dates || [];
  if (!dates.length) { box.appendChild(empty(from || to ? 'No dates in this range.' : 'no dates yet')); return; }

  // a bar per month
  const perMonth = new Map();
  for (const d of dates) {
    const k = String(d.date).slice(0, 7);
    perMonth.set(k, (perMonth.get(k) || 0) + 1);
  }
  const max = Math.max(...perMonth.values());
  const bars = h('div', { class: 'bars', id: 'timeline-bars' });
  for (const [k, n] of perMonth) {
    const bar = h('a', { class: 'bar', href: '#month-' + k, title: `${k}: ${n}` });
    bar.style.height = Math.max(4, Math.round(80 * n / max)) + 'px';
    bars.appendChild(h('div', { class: 'bar-col' }, bar, h('span', { class: 'bar-label' }, k)));
  }
  box.appendChild(bars);

  let month = null;
  let ul = null;
  for (const d of dates) {
    const k = String(d.date).slice(0, 7);
    if (k !== month) {
      month = k;
      const [y, m] = k.split('-');
      box.appendChild(h('h2', { id: 'month-' + k }, `${MONTHS[Number(m) - 1] || m} ${y}`));
      ul = h('ul', { class: 'timeline' });
      box.appendChild(ul);
    }
    ul.appendChild(h('li', { class: 'tl-item' },
      h('span', { class: 'tl-date' }, String(d.date)),
      h('span', { class: 'tl-hijri', dir: 'auto' }, d.hijri ? hijriLabel(d.hijri) : ''),
      h('q', { dir: 'auto', class: 'tl-surface' }, d.surface || ''),
      h('span', { class: 'tl-doc' }, docLink(d.doc, paths.get(d.doc) || '#' + d.doc),
        d.page ? h('span', { class: 'muted' }, ' p. ' + Number(d.page)) : null)));
  }
  box.appendChild(h('p', { class: 'muted' }, `${dates.length} dated mentions. Hijri dates are converted with the Umm al-Qura calendar.`));
}
