// map.js - the places of the case on a map (GET /api/places): the world's
// country outlines from the vendored Natural Earth data (world-atlas), drawn
// with d3-geo, no tile server; places sized by their documents, routes as
// arrows, a time slider over the months of the documents' dates; a click on
// a place lists its documents.
import { h, clear, docLink, empty } from './util.js';
import { api } from './api.js';

const SVG = 'http://www.w3.org/2000/svg';
function s(tag, attrs, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) if (v !== null && v !== undefined) el.setAttribute(k, String(v));
  for (const c of children) if (c) el.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
  return el;
}

let libs = null;
// d3-array, d3-geo and topojson-client are UMD builds that set window.d3 and
// window.topojson; loaded once, in order (d3-geo reads d3-array from d3).
async function loadLibs() {
  if (libs) return libs;
  await import('./vendor/d3-array.min.js');
  await import('./vendor/d3-geo.min.js');
  await import('./vendor/topojson-client.min.js');
  const res = await fetch('/static/vendor/countries-50m.json', { credentials: 'same-origin' });
  if (!res.ok) throw new Error('the map outlines are missing (scripts/web-deps.sh copies them)');
  const world = await res.json();
  const land = window.topojson.feature(world, world.objects.countries);
  // each country's lon/lat box, once: a map draws only the countries in view
  const boxes = land.features.map((f) => window.d3.geoBounds(f));
  libs = { d3: window.d3, land, boxes };
  return libs;
}

const W = 960;
const H = 600;

export async function render(box, _parts, _params, current) {
  box.appendChild(h('h1', null, 'Places'));
  const [r, lib] = await Promise.all([api('/api/places'), loadLibs()]);
  if (!current()) return;
  const all = r.places || [];
  const placed = all.filter((p) => p.lat !== null && p.lon !== null);
  if (!all.length) { box.appendChild(empty('no places yet')); return; }
  const byId = new Map(placed.map((p) => [p.id, p]));
  const routes = (r.routes || []).filter((x) => byId.has(x.from) && byId.has(x.to));

  // the months of the slider: every month a place or a route is dated by
  const monthSet = new Set();
  for (const p of placed) for (const m of Object.keys(p.months || {})) monthSet.add(m);
  for (const x of routes) for (const d of x.dates || []) monthSet.add(String(d).slice(0, 7));
  const months = [...monthSet].sort();

  const { d3, land, boxes } = lib;
  // fit the places (or the world when none is placed), with a margin
  const pts = { type: 'MultiPoint', coordinates: placed.map((p) => [p.lon, p.lat]) };
  const projection = d3.geoMercator();
  if (placed.length > 1) projection.fitExtent([[60, 60], [W - 60, H - 60]], pts);
  else if (placed.length === 1) projection.center([placed[0].lon, placed[0].lat]).scale(3000).translate([W / 2, H / 2]);
  else projection.fitSize([W, H], land);
  // never closer than a few hundred km across
  if (projection.scale() > 6000) projection.scale(6000);
  const path = d3.geoPath(projection);

  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, class: 'map', id: 'map', role: 'img', 'aria-label': 'map of the places named in the case' });
  const defs = s('defs', null,
    s('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 11, markerHeight: 11, markerUnits: 'userSpaceOnUse', orient: 'auto-start-reverse' },
      s('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: 'arrow-head' })));
  svg.appendChild(defs);
  svg.appendChild(s('rect', { x: 0, y: 0, width: W, height: H, class: 'sea' }));
  const gLand = s('g', { class: 'land' });
  // the lon/lat box in view (Mercator: the corners), with a margin
  const nw = projection.invert([0, 0]), se = projection.invert([W, H]);
  const view = [[Math.min(nw[0], se[0]) - 5, Math.min(nw[1], se[1]) - 5], [Math.max(nw[0], se[0]) + 5, Math.max(nw[1], se[1]) + 5]];
  const whole = view[1][0] - view[0][0] >= 350;
  land.features.forEach((f, i) => {
    const b = boxes[i];
    const across = b[0][0] > b[1][0]; // crosses the antimeridian: drawn
    if (!whole && !across && (b[1][0] < view[0][0] || b[0][0] > view[1][0] || b[1][1] < view[0][1] || b[0][1] > view[1][1])) return;
    const d = path(f);
    if (d) gLand.appendChild(s('path', { d }, s('title', null, f.properties && f.properties.name ? f.properties.name : '')));
  });
  svg.appendChild(gLand);
  const gRoutes = s('g', { class: 'routes' });
  const gPlaces = s('g', { class: 'places' });
  svg.appendChild(gRoutes);
  svg.appendChild(gPlaces);

  const info = h('div', { class: 'map-info', id: 'map-info' },
    h('p', { class: 'muted' }, 'Click a place to list its documents.'));
  const label = h('span', { id: 'map-month' }, 'all dates');
  const slider = h('input', { type: 'range', id: 'map-slider', min: 0, max: months.length, value: months.length,
    'aria-label': 'documents dated up to' });
  const controls = h('form', { class: 'inline map-controls' },
    h('label', null, 'Documents dated up to ', slider, ' ', label),
    h('span', { class: 'muted' }, ` ${placed.length} places on the map, ${all.length - placed.length} not located, ${routes.length} routes`));
  controls.addEventListener('submit', (ev) => ev.preventDefault());
  box.appendChild(controls);
  box.appendChild(h('div', { class: 'map-wrap' }, svg, info));

  const maxDocs = Math.max(1, ...placed.map((p) => p.documents || 1));
  const maxRoute = Math.max(1, ...routes.map((x) => (x.documents || []).length));

  async function openPlace(p) {
    clear(info);
    info.appendChild(h('h2', { dir: 'auto' }, p.name));
    info.appendChild(h('p', { class: 'muted', dir: 'auto' }, (p.names || []).join(' · ')));
    info.appendChild(h('p', { class: 'why' }, `${p.lat.toFixed(4)}, ${p.lon.toFixed(4)} ${p.country || ''}: ${p.why || ''}`));
    const ul = h('ul', { class: 'map-docs', id: 'map-docs' }, h('li', { class: 'muted' }, 'Loading…'));
    info.appendChild(ul);
    const e = await api('/api/entities/' + Number(p.id));
    clear(ul);
    for (const d of e.documents || []) {
      ul.appendChild(h('li', null, docLink(d.id, d.path || '#' + d.id), h('span', { class: 'muted' }, ` ${d.mentions} mentions`)));
    }
    if (!(e.documents || []).length) ul.appendChild(h('li', { class: 'muted' }, 'no documents'));
  }

  function draw() {
    const upto = Number(slider.value) >= months.length ? null : months[Number(slider.value)];
    label.textContent = upto || 'all dates';
    while (gRoutes.firstChild) gRoutes.removeChild(gRoutes.firstChild);
    while (gPlaces.firstChild) gPlaces.removeChild(gPlaces.firstChild);
    const docsOf = (p) => {
      if (!upto) return p.documents || 0;
      let n = 0;
      for (const [m, c] of Object.entries(p.months || {})) if (m <= upto) n += c;
      return n;
    };
    for (const x of routes) {
      const dates = (x.dates || []).map((d) => String(d).slice(0, 7));
      if (upto && !dates.some((m) => m <= upto)) continue;
      const a = projection([byId.get(x.from).lon, byId.get(x.from).lat]);
      const b = projection([byId.get(x.to).lon, byId.get(x.to).lat]);
      // stop short of the target's circle, bend a little so A→B and B→A differ
      const dx = b[0] - a[0], dy = b[1] - a[1], len = Math.hypot(dx, dy) || 1;
      const end = [b[0] - dx / len * 8, b[1] - dy / len * 8];
      const mid = [(a[0] + end[0]) / 2 - dy / len * len * 0.12, (a[1] + end[1]) / 2 + dx / len * len * 0.12];
      const n = (x.documents || []).length;
      gRoutes.appendChild(s('path', { d: `M ${a[0]} ${a[1]} Q ${mid[0]} ${mid[1]} ${end[0]} ${end[1]}`,
        class: 'route-arrow', id: `route-${x.from}-${x.to}`, 'marker-end': 'url(#arrow)',
        'stroke-width': (1.5 + 4 * n / maxRoute).toFixed(1), 'data-from': x.from, 'data-to': x.to },
      s('title', null, `${byId.get(x.from).name} → ${byId.get(x.to).name}: ${n} documents${dates.length ? ', ' + (x.dates || []).join(', ') : ''}`)));
    }
    for (const p of [...placed].sort((a, b) => (b.documents || 0) - (a.documents || 0))) {
      const n = docsOf(p);
      if (!n) continue;
      const [x, y] = projection([p.lon, p.lat]);
      const g = s('g', { class: 'place-marker', id: 'place-' + p.id, tabindex: 0, role: 'button',
        'data-id': p.id, 'aria-label': `${p.name}: ${n} documents` },
      s('circle', { cx: x, cy: y, r: (4 + 16 * Math.sqrt(n / maxDocs)).toFixed(1) }),
      s('text', { x: x + 6, y: y - 6 }, p.name),
      s('title', null, `${p.name} (${n} documents)`));
      g.addEventListener('click', () => openPlace(p));
      g.addEventListener('keydown', (ev) => { if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); openPlace(p); } });
      gPlaces.appendChild(g);
    }
  }
  slider.addEventListener('input', draw);
  draw();

  const unplaced = all.filter((p) => p.lat === null || p.lon === null);
  if (unplaced.length) {
    box.appendChild(h('details', { class: 'unplaced' }, h('summary', null, `${unplaced.length} places not located`),
      h('p', { dir: 'auto' }, unplaced.map((p) => p.name).join(' · '))));
  }
  window.__daftarMap = { places: gPlaces.childNodes.length, routes: gRoutes.childNodes.length };
}
