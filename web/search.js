// search.js - the query box, its help, hits with highlighted snippets,
// facets as filters, sort and paging.
import { h, t, markedFragment, hashFor, empty } from './util.js';
import { api } from './api.js';

const LIMIT = 20;
// facet name in the API -> filter of the query language (docs/QUERY.md)
const FACET_FILTER = { type: 'type', language: 'lang', batch: 'batch', year: 'date', domain: 'from',
  sender_domain: 'from', from_domain: 'from', tag: 'tag', tags: 'tag' };

const HELP = [
  ['الرقة', 'the word, also with its clitics (بالرقة, والرقة, للرقة)'],
  ['raqqa adnani', 'both words'],
  ['raqqa OR rakka', 'either word'],
  ['raqqa -hospital', 'raqqa but not hospital'],
  ['"ديوان الزكاة"', 'the exact phrase'],
  ['NEAR(convoy governor, 10)', 'both within 10 words'],
  ['Raqq*', 'words beginning with Raqq'],
  ['hospitel~1', 'words within 1 edit'],
  ['~Adnani', 'the name in any script: العدناني, Аднани, al-Adnany'],
  ['type:pdf lang:ar', 'filters: type, lang, batch, path, from, to, subject, title, tag'],
  ['date:2016-01..2016-06', 'the document\'s date in a range'],
  ['tag:important', 'documents tagged "important"'],
];

function quoteValue(v) {
  v = String(v);
  return /[\s"()]/.test(v) ? '"' + v.replace(/"/g, '') + '"' : v;
}

export async function render(box, _parts, params, current) {
  const q = params.get('q') || '';
  const sort = params.get('sort') || 'relevance';
  const offset = Math.max(0, parseInt(params.get('offset') || '0', 10) || 0);

  const input = h('input', { type: 'search', name: 'q', id: 'q', dir: 'auto', value: q,
    placeholder: 'Search the case — e.g. الرقة or ~Adnani or "ديوان الزكاة" type:pdf', autocomplete: 'off' });
  const sortSel = h('select', { name: 'sort', id: 'sort' },
    [['relevance', 'relevance'], ['date', 'newest first'], ['oldest', 'oldest first']].map(([v, l]) =>
      h('option', { value: v, selected: v === sort }, l)));
  const form = h('form', { class: 'searchbar', id: 'search-form' }, input, sortSel, h('button', { type: 'submit' }, 'Search'));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    location.hash = hashFor('search', { q: input.value.trim(), sort: sortSel.value === 'relevance' ? '' : sortSel.value });
  });
  sortSel.addEventListener('change', () => form.requestSubmit());
  const help = h('details', { class: 'help' }, h('summary', null, 'Query language'),
    h('table', null, h('tbody', null, HELP.map(([ex, what]) =>
      h('tr', null, h('td', null, h('code', { dir: 'auto' }, ex)), h('td', null, what))))),
    h('p', { class: 'muted' }, 'Case, diacritics, alef/yeh/teh-marbuta forms and Arabic-Indic digits do not matter. Filters can be negated (-type:html).'));
  box.appendChild(form);
  box.appendChild(help);

  if (!q) {
    box.appendChild(h('p', { class: 'muted' }, 'Type a query above. Arabic and other scripts work alike.'));
    return;
  }
  const layout = h('div', { class: 'results-layout' });
  const side = h('aside', { class: 'facets', id: 'facets' });
  const list = h('section', { class: 'results', id: 'results' });
  layout.append(list, side);
  box.appendChild(layout);

  const r = await api('/api/search', { q, limit: LIMIT, offset, sort: sort === 'relevance' ? '' : sort, facets: 1 });
  if (!current()) return;
  const total = r.total || 0;
  list.appendChild(h('p', { class: 'muted', id: 'result-count' },
    total === 0 ? 'No documents match.' :
      `${total} document${total === 1 ? '' : 's'}` + (total > LIMIT ? `, ${offset + 1}–${Math.min(offset + LIMIT, total)}` : '') +
      (typeof r.took_ms === 'number' ? ` · ${r.took_ms.toFixed(1)} ms` : '')));
  const ol = h('ol', { class: 'hits', start: offset + 1 });
  for (const hit of r.hits || []) {
    const title = hit.title && String(hit.title).trim() ? hit.title : hit.path;
    const li = h('li', { class: 'hit', dir: 'auto' },
      h('a', { class: 'hit-title', dir: 'auto', href: hashFor('doc/' + Number(hit.id), { q }) }, title),
      h('div', { class: 'hit-path' }, t('span', hit.path, 'path'),
        (hit.paths && hit.paths.length > 1) ? h('span', { class: 'muted' }, ` (+${hit.paths.length - 1} more path${hit.paths.length > 2 ? 's' : ''})`) : null,
        hit.page ? h('span', { class: 'muted' }, ' · page ' + Number(hit.page)) : null),
      h('p', { class: 'snippet', dir: 'auto' }, markedFragment(hit.snippet)));
    ol.appendChild(li);
  }
  list.appendChild(ol);

  // paging
  if (total > LIMIT) {
    const pager = h('nav', { class: 'pager' });
    const base = { q, sort: sort === 'relevance' ? '' : sort };
    if (offset > 0) pager.appendChild(h('a', { href: hashFor('search', { ...base, offset: Math.max(0, offset - LIMIT) || '' }), id: 'prev' }, '← previous'));
    if (offset + LIMIT < total) pager.appendChild(h('a', { href: hashFor('search', { ...base, offset: offset + LIMIT }), id: 'next' }, 'next →'));
    list.appendChild(pager);
  }

  // facets: click adds the filter to the query
  const facets = r.facets || {};
  const names = Object.keys(facets);
  if (names.length) side.appendChild(h('h2', null, 'Narrow'));
  for (const name of names) {
    const values = facets[name] || {};
    const entries = Object.entries(values).sort((a, b) => b[1] - a[1]);
    if (!entries.length) continue;
    const filter = FACET_FILTER[name] || name;
    side.appendChild(h('h3', null, name));
    side.appendChild(h('ul', null, entries.slice(0, 15).map(([v, n]) => {
      const clause = filter + ':' + quoteValue(v);
      const already = q.split(/\s+/).includes(clause);
      return h('li', { dir: 'auto' },
        already ? h('span', { class: 'facet-on', dir: 'auto' }, v)
          : h('a', { href: hashFor('search', { q: (q + ' ' + clause).trim(), sort: sort === 'relevance' ? '' : sort }),
            class: 'facet', dir: 'auto', 'data-filter': clause }, v),
        h('span', { class: 'count' }, String(n)));
    })));
  }
}
