// workbench.test.mjs - the workbench in a real browser (Debian's chromium
// through playwright-core) against `daftar serve` on loopback.
//
// Environment:
//   BASE_URL        http://127.0.0.1:PORT (required)
//   SHOTS           folder for the screenshots (required)
//   EDITOR, VIEWER, ADMIN   "name:password" of users of those roles
//   CHROMIUM        the browser (default /usr/bin/chromium)
// Prints "ok - …" / "NOT OK - …" lines; exit status 0 when all passed.
// Hostile documents are the ones whose path contains "hostile": their pages
// and every search listing them must never run their script.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const BASE = process.env.BASE_URL;
const SHOTS = process.env.SHOTS;
if (!BASE || !SHOTS) { console.error('BASE_URL and SHOTS are required'); process.exit(2); }
const creds = (v, d) => { const s = process.env[v] || d; const i = s.indexOf(':'); return { user: s.slice(0, i), password: s.slice(i + 1) }; };
const EDITOR = creds('EDITOR', 'editor:editor');
const VIEWER = creds('VIEWER', 'viewer:viewer');
const ADMIN = creds('ADMIN', 'admin:admin');
fs.mkdirSync(SHOTS, { recursive: true });
// NO_USERS=1: the case has no users (serve then acts as a local admin): the
// login, viewer and role checks are skipped, the rest runs as that admin.
const NO_USERS = process.env.NO_USERS === '1';
const skip = (what) => console.log('skip - ' + what);

let checks = 0;
let fails = 0;
const ok = (what) => { checks++; console.log('ok - ' + what); };
const notOk = (what) => { checks++; fails++; console.log('NOT OK - ' + what); };
const check = (what, cond, detail) => (cond ? ok(what) : notOk(what + (detail !== undefined ? ': ' + detail : '')));

// The whole run stops by itself.
const deadline = setTimeout(() => { console.log('NOT OK - the browser test took more than 5 minutes'); process.exit(1); }, 300000);

const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'daftar-chromium-'));
const context = await chromium.launchPersistentContext(userDir, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--no-first-run', '--disable-default-apps', '--disable-extensions'],
  viewport: { width: 1280, height: 900 },
  locale: 'en-US',
});

// Nothing leaves loopback: any other request fails the test.
const origin = new URL(BASE).origin;
const offsite = [];
await context.route('**/*', (route) => {
  const u = route.request().url();
  if (u.startsWith(origin + '/') || u.startsWith('data:') || u.startsWith('blob:')) return route.continue();
  offsite.push(u);
  return route.abort();
});

const dialogs = [];
const consoleErrors = [];
const cspViolations = [];
function watch(page) {
  page.on('dialog', async (d) => { dialogs.push(d.type() + ': ' + d.message()); await d.dismiss().catch(() => {}); });
  page.on('console', (m) => {
    if (m.type() === 'error') {
      consoleErrors.push(m.text());
      if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
    }
  });
  page.on('pageerror', (e) => consoleErrors.push('pageerror: ' + e.message));
}

let page = context.pages()[0] || await context.newPage();
watch(page);

async function ready(p, name) {
  await p.waitForSelector(`main[data-ready="${name}"]`, { timeout: 30000 });
}
async function go(p, hash, name) {
  await p.evaluate((h) => { location.hash = h; }, hash);
  await ready(p, name);
}
let shotNo = 0;
async function shot(p, name) {
  shotNo++;
  const f = path.join(SHOTS, String(shotNo).padStart(2, '0') + '-' + name + '.png');
  await p.screenshot({ path: f, fullPage: true });
}
async function xssSet(p) {
  return p.evaluate(() => window.__xss !== undefined);
}
async function step(name, fn) {
  try { await fn(); } catch (e) { notOk(name + ': ' + String(e && e.message || e).split('\n')[0]); }
}

async function loginAs(p, who) {
  if (NO_USERS) {
    await p.goto(BASE + '/#/search', { waitUntil: 'domcontentloaded' });
    await ready(p, 'search');
    return;
  }
  await p.goto(BASE + '/#/search', { waitUntil: 'domcontentloaded' });
  // a session from an earlier user: log out first
  if (await p.locator('#logout').count()) {
    await p.click('#logout');
  }
  await p.waitForSelector('#login-form', { timeout: 15000 });
  await p.fill('#login-user', who.user);
  await p.fill('#login-password', who.password);
  await p.click('#login-form button[type=submit]');
  await ready(p, 'search');
}

// --- the page itself and its headers ---
await step('the workbench page', async () => {
  const res = await page.goto(BASE + '/', { waitUntil: 'domcontentloaded' });
  const csp = res.headers()['content-security-policy'] || '';
  check('the page has a Content-Security-Policy', /default-src 'self'/.test(csp) && /script-src 'self'/.test(csp) && /frame-ancestors 'none'/.test(csp), csp);
  check('the page has X-Content-Type-Options: nosniff', res.headers()['x-content-type-options'] === 'nosniff');
  const js = await page.request.get(BASE + '/static/app.js');
  check('app.js is served as JavaScript', /javascript/.test(js.headers()['content-type'] || ''), js.headers()['content-type']);
  const vendor = await page.request.get(BASE + '/static/vendor/cytoscape.esm.min.js');
  check('the vendored cytoscape is served', vendor.status() === 200 && /javascript/.test(vendor.headers()['content-type'] || ''), vendor.status());
  const trav = await page.request.get(BASE + '/static/..%2f..%2fstore.db');
  check('a path with .. is refused', trav.status() === 400 || trav.status() === 404, trav.status());
});

if (NO_USERS) skip('login form, wrong password (the case has no users)');
else await step('login form', async () => {
  await page.waitForSelector('#login-form', { timeout: 15000 });
  ok('without a session the login form is shown');
  await page.fill('#login-user', EDITOR.user);
  await page.fill('#login-password', 'wrong password');
  await page.click('#login-form button[type=submit]');
  await page.waitForFunction(() => document.getElementById('login-error')?.textContent.length > 0, null, { timeout: 10000 });
  ok('a wrong password is refused with a message');
  await shot(page, 'login');
});

// --- editor: search, document, graph, timeline, tags ---
await step('editor logs in', async () => {
  await loginAs(page, EDITOR);
  ok('the editor logs in');
  const role = await page.textContent('#who .role');
  check('the header shows the role', role === (NO_USERS ? 'admin' : 'editor'), role);
});

let arabicHitHref = null;
await step('search in Arabic', async () => {
  await page.fill('#q', 'الرقة');
  await page.click('#search-form button[type=submit]');
  await ready(page, 'search');
  const hits = await page.locator('li.hit').count();
  check('an Arabic search (الرقة) finds documents', hits > 0, hits);
  const marks = await page.locator('.snippet mark').allTextContents();
  check('the snippets mark the matched words with <mark>', marks.length > 0 && marks.some((m) => /رق/.test(m)), JSON.stringify(marks.slice(0, 3)));
  const dir = await page.locator('li.hit .snippet').first().evaluate((el) => getComputedStyle(el).direction);
  check('an Arabic snippet runs right to left', dir === 'rtl', dir);
  const facets = await page.locator('a.facet').count();
  check('facets are shown as filters', facets > 0, facets);
  arabicHitHref = await page.locator('a.hit-title').first().getAttribute('href');
  await shot(page, 'search-arabic');
});

await step('a facet narrows the query', async () => {
  const f = page.locator('a.facet').first();
  const clause = await f.getAttribute('data-filter');
  await f.click();
  await ready(page, 'search');
  const q = await page.inputValue('#q');
  check('clicking a facet adds its filter to the query', q.includes(clause), q);
});

await step('open a hit', async () => {
  await go(page, arabicHitHref.slice(1), 'doc');
  const marks = await page.locator('#doc-text mark').count();
  check('the document page marks the query\'s words in the text', marks > 0, marks);
  const dir = await page.locator('#doc-text').evaluate((el) => getComputedStyle(el).direction);
  check('the Arabic text of the document runs right to left', dir === 'rtl', dir);
  await page.waitForSelector('#dups-card h2 + div', { timeout: 15000 });
  await page.waitForSelector('#entities-card h2 + div', { timeout: 15000 });
  await shot(page, 'document-arabic');
});

let englishDoc = null;
await step('search in English', async () => {
  await go(page, '#/search?q=' + encodeURIComponent('Adnani'), 'search');
  const hits = await page.locator('li.hit').count();
  check('an English search (Adnani) finds documents', hits > 0, hits);
  const marks = await page.locator('.snippet mark').count();
  check('English snippets are highlighted', marks > 0, marks);
  englishDoc = await page.locator('a.hit-title').first().getAttribute('href');
  await shot(page, 'search-english');
  await go(page, englishDoc.slice(1), 'doc');
  check('the English hit opens with highlights', (await page.locator('#doc-text mark').count()) > 0);
  await page.waitForSelector('#entities-card h2 + div', { timeout: 15000 });
  await shot(page, 'document-english');
});

await step('OCR boxes of the query on a scanned page', async () => {
  await go(page, '#/search?q=' + encodeURIComponent('checkpoint path:checkpoint-scan'), 'search');
  const hits = await page.locator('li.hit').count();
  check('the scan is found by a word OCR read', hits > 0, hits);
  const href = await page.locator('a.hit-title').first().getAttribute('href');
  await go(page, href.slice(1), 'doc');
  await page.waitForSelector('.page-wrap img', { timeout: 15000 });
  await page.waitForSelector('.ocr-hit', { timeout: 15000 });
  const boxes = await page.locator('.ocr-hit').count();
  check('the query\'s words are boxed on the page image', boxes >= 2, boxes);
  const inside = await page.evaluate(() => [...document.querySelectorAll('.ocr-hit')].every((b) => {
    const r = b.getBoundingClientRect(), i = b.parentElement.querySelector('img').getBoundingClientRect();
    return r.width > 2 && r.height > 2 && r.left >= i.left - 1 && r.right <= i.right + 1 && r.top >= i.top - 1 && r.bottom <= i.bottom + 1;
  }));
  check('the boxes lie on the page image', inside);
  await shot(page, 'scan-ocr-boxes');
});

await step('the graph', async () => {
  await go(page, '#/graph', 'graph');
  const canvas = await page.locator('#graph canvas').count();
  check('the graph draws on a cytoscape canvas', canvas > 0, canvas);
  const g = await page.evaluate(() => window.__daftarGraph);
  check('the graph has nodes', g && g.nodes > 0, JSON.stringify(g));
  await page.waitForTimeout(500);
  await shot(page, 'graph');
});

await step('the map', async () => {
  await go(page, '#/map', 'map');
  const m = await page.evaluate(() => window.__daftarMap);
  check('the map draws the places as markers', m && m.places > 0, JSON.stringify(m));
  const labels = await page.locator('g.place-marker').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
  for (const name of ['الرقة', 'دير الزور', 'الميادين']) {
    check(`a marker for the demo's ${name}`, labels.some((l) => l && l.startsWith(name)), labels.slice(0, 8).join('|'));
  }
  const outlines = await page.locator('g.land path').count();
  check('the country outlines around the places are drawn from the bundled data', outlines > 5, outlines);
  const arrows = await page.locator('path.route-arrow').evaluateAll((els) => els.map((e) => ({
    marker: e.getAttribute('marker-end'), title: e.textContent })));
  check('a route arrow for "from Palmyra to Raqqa"', arrows.some((a) => a.marker === 'url(#arrow)' && /Palmyra → /.test(a.title)),
    JSON.stringify(arrows.slice(0, 4)));
  await shot(page, 'map');
  // the time slider: the first month shows no more places than all dates
  const before = await page.locator('g.place-marker').count();
  await page.locator('#map-slider').evaluate((el) => { el.value = '0'; el.dispatchEvent(new Event('input')); });
  const first = await page.locator('g.place-marker').count();
  const month = await page.locator('#map-month').textContent();
  check('the time slider narrows the places to the first month', /^\d{4}-\d{2}$/.test(month) && first <= before && first > 0,
    `${month}: ${first} of ${before}`);
  await page.locator('#map-slider').evaluate((el) => { el.value = el.max; el.dispatchEvent(new Event('input')); });
  const raqqa = page.locator('g.place-marker[aria-label^="الرقة"]');
  await raqqa.first().click();
  await page.waitForSelector('#map-docs a.doclink', { timeout: 10000 });
  const docs = await page.locator('#map-docs a.doclink').count();
  check('clicking a place lists its documents', docs > 0, docs);
  await shot(page, 'map-place');
  await page.locator('#map-docs a.doclink').first().click();
  await ready(page, 'doc');
  ok('a place opens its documents');
});

await step('the timeline', async () => {
  await go(page, '#/timeline', 'timeline');
  const items = await page.locator('li.tl-item').count();
  check('the timeline lists dates', items > 0, items);
  const hijri = await page.locator('.tl-hijri').allTextContents();
  check('Hijri dates are shown beside Gregorian ones', hijri.some((x) => /AH/.test(x)), hijri.slice(0, 3).join('|'));
  await shot(page, 'timeline');
  if (items > 0) {
    await page.locator('li.tl-item a.doclink').first().click();
    await ready(page, 'doc');
    ok('a date opens its document');
  }
});

await step('duplicates, what is new, entities', async () => {
  await go(page, '#/dups', 'dups');
  check('the duplicates page lists clusters', (await page.locator('li.cluster').count()) > 0);
  await shot(page, 'duplicates');
  const diff = page.locator('li.cluster-near a.diff-link').first();
  if (await diff.count()) {
    await diff.click();
    await ready(page, 'diff');
    check('a near-duplicate diff shows deletions and insertions', (await page.locator('#diff del, #diff ins').count()) > 0);
    await shot(page, 'diff');
  }
  await go(page, '#/new', 'new');
  check('what\'s new shows each batch', (await page.locator('section.batch').count()) > 0);
  await shot(page, 'new');
  await go(page, '#/entities', 'entities');
  const ents = await page.locator('main td a').count();
  check('the entities page lists entities', ents > 0, ents);
  await shot(page, 'entities');
  await page.locator('main td a').first().click();
  await ready(page, 'entity');
  check('an entity page shows its documents', (await page.locator('#entity-docs li').count()) > 0);
  await shot(page, 'entity');
});

const TAG = 'wb-' + Date.now().toString(36);
let taggedId = null;
await step('an editor tags a document', async () => {
  await go(page, englishDoc.slice(1), 'doc');
  taggedId = Number(englishDoc.match(/doc\/(\d+)/)[1]);
  await page.fill('#tag-input', TAG);
  await page.click('#tag-form button[type=submit]');
  await page.waitForFunction((t) => [...document.querySelectorAll('#tags li.tag a')].some((a) => a.textContent === t), TAG, { timeout: 10000 });
  ok('the tag is added');
  await page.fill('#note-input', 'ملاحظة: checked against the June delivery');
  await page.click('#note-form button[type=submit]');
  await page.waitForFunction(() => document.querySelectorAll('#notes .note-text').length > 0, null, { timeout: 10000 });
  ok('a note is added');
  await shot(page, 'document-tagged');
  await go(page, '#/search?q=' + encodeURIComponent('tag:' + TAG), 'search');
  const hrefs = await page.locator('a.hit-title').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  check('tag: search finds the tagged document', hrefs.some((hh) => new RegExp('doc/' + taggedId + '(\\?|$)').test(hh)), JSON.stringify(hrefs));
});

// --- hostile documents ---
async function hostileDocs(p) {
  return p.evaluate(async () => {
    const r = await fetch('/api/docs?limit=200', { credentials: 'same-origin' });
    const j = await r.json();
    return j.documents.filter((d) => d.paths.some((x) => x.includes('hostile'))).map((d) => ({ id: d.id, path: d.path }));
  });
}
await step('hostile documents never run', async () => {
  const docs = await hostileDocs(page);
  check('the hostile documents are in the case', docs.length >= 4, docs.length);
  for (const d of docs) {
    await go(page, '#/doc/' + d.id + '?q=xss', 'doc');
    await page.waitForSelector('#entities-card h2 + div', { timeout: 15000 });
    await page.waitForTimeout(300);
    check(`hostile document #${d.id} (${d.path}) does not run its script`, !(await xssSet(page)));
    if (d.path.endsWith('.pdf')) {
      await page.waitForFunction(() => { const i = document.querySelector('#pages img'); return i && i.complete; }, null, { timeout: 15000 });
      const w = await page.locator('#pages img').first().evaluate((i) => i.naturalWidth);
      check('the PDF\'s page is shown as the server\'s PNG', w > 0, w);
    }
    await shot(page, 'hostile-' + d.id);
  }
  for (const q of ['path:hostile', 'xss', 'script', 'onerror', 'img']) {
    await go(page, '#/search?q=' + encodeURIComponent(q), 'search');
    await page.waitForTimeout(300);
    check(`search results for ${q} do not run a document's script`, !(await xssSet(page)));
    if (q === 'path:hostile') {
      check('the hostile documents are listed by path:hostile', (await page.locator('li.hit').count()) > 0);
      await shot(page, 'search-hostile');
    }
  }
  const names = await page.locator('body').evaluate((b) => b.querySelectorAll('img[onerror], script:not([src])').length);
  check('no element from a document became markup', names === 0, names);
});

// --- viewer ---
if (NO_USERS) skip('a viewer cannot tag (the case has no users)');
else await step('a viewer cannot tag', async () => {
  await loginAs(page, VIEWER);
  await go(page, englishDoc.slice(1), 'doc');
  check('the viewer sees the document\'s tags', (await page.locator('#tags li.tag').count()) > 0);
  check('the viewer has no tag form', (await page.locator('#tag-form').count()) === 0);
  check('the viewer has no tag remove buttons', (await page.locator('#tags button').count()) === 0);
  check('the viewer has no note form', (await page.locator('#note-form').count()) === 0);
  await shot(page, 'document-viewer');
  const forged = await page.evaluate(async (id) => {
    const me = await (await fetch('/api/me')).json();
    const r = await fetch(`/api/docs/${id}/tags`, { method: 'POST', credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf }, body: JSON.stringify({ tag: 'forged' }) });
    return r.status;
  }, taggedId);
  check('a forged POST of a tag by a viewer gets 403', forged === 403, forged);
  const del = await page.evaluate(async ([id, tag]) => {
    const me = await (await fetch('/api/me')).json();
    const r = await fetch(`/api/docs/${id}/tags/${encodeURIComponent(tag)}`, { method: 'DELETE', credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf }, body: '{}' });
    return r.status;
  }, [taggedId, TAG]);
  check('a forged DELETE of a tag by a viewer gets 403', del === 403, del);
  check('the viewer has no audit link', (await page.locator('#nav-audit').count()) === 0);
});

await step('a POST without the CSRF token gets 403', async () => {
  await loginAs(page, EDITOR);
  const st = await page.evaluate(async (id) => (await fetch(`/api/docs/${id}/tags`, { method: 'POST', credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ tag: 'no-csrf' }) })).status, taggedId);
  check('an editor\'s POST without X-CSRF-Token gets 403', st === 403, st);
});

// --- admin: audit ---
await step('an admin reads the audit log', async () => {
  await loginAs(page, ADMIN);
  await go(page, '#/audit', 'audit');
  const rows = await page.locator('main tbody tr').count();
  check('the audit log lists events', rows > 0, rows);
  await shot(page, 'audit');
});

check('no dialog ever opened', dialogs.length === 0, JSON.stringify(dialogs));
check('window.__xss was never set', !(await xssSet(page)));
check('nothing was fetched from outside loopback', offsite.length === 0, JSON.stringify(offsite.slice(0, 5)));
check('no Content-Security-Policy violation by the workbench', cspViolations.length === 0, JSON.stringify(cspViolations.slice(0, 3)));
const realErrors = consoleErrors.filter((e) => !/status of 40[134]|Failed to load resource/.test(e));
check('no script errors in the pages', realErrors.length === 0, JSON.stringify(realErrors.slice(0, 5)));

await context.close();
fs.rmSync(userDir, { recursive: true, force: true });
clearTimeout(deadline);
console.log(`workbench browser test: ${checks - fails} passed, ${fails} failed; screenshots in ${SHOTS}`);
process.exit(fails ? 1 : 0);
