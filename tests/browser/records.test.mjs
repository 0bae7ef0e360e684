// records.test.mjs - the workbench's Records page (web/records.js) in a real
// browser (Debian's chromium through playwright-core) against `daftar
// serve` on loopback, on a case of generated forms (tests/e2e/test_forms.sh).
//
// Environment: BASE_URL (required), SHOTS (screenshots folder, required),
// TEMPLATE (a template id), DOCS (its filled forms), VALUE (a value of it),
// CHROMIUM (default /usr/bin/chromium); EDITOR and VIEWER ("user:password"):
// the page is used as the editor, who corrects a value (CORRECT, the new
// one), then as the viewer, who has no edit control and gets a 403 from the
// API. Without them the case has no users (local admin) and corrections are
// not tried.
// Prints "ok - …" / "NOT OK - …" lines; exit status 0 when all passed.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const BASE = process.env.BASE_URL;
const SHOTS = process.env.SHOTS;
if (!BASE || !SHOTS) { console.error('BASE_URL and SHOTS are required'); process.exit(2); }
fs.mkdirSync(SHOTS, { recursive: true });
let fails = 0;
const check = (what, cond, detail) => {
  if (cond) console.log('ok - ' + what);
  else { fails++; console.log('NOT OK - ' + what + (detail !== undefined ? ': ' + detail : '')); }
};
const deadline = setTimeout(() => { console.log('NOT OK - the records browser test took more than 2 minutes'); process.exit(1); }, 120000);
const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'daftar-chromium-'));
const context = await chromium.launchPersistentContext(userDir, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--no-first-run', '--disable-default-apps', '--disable-extensions'],
  viewport: { width: 1400, height: 900 },
});
const origin = new URL(BASE).origin;
await context.route('**/*', (route) => {
  const u = route.request().url();
  return u.startsWith(origin + '/') || u.startsWith('data:') ? route.continue() : route.abort();
});
const errors = [];
const page = await context.newPage();
page.on('pageerror', (e) => errors.push(String(e)));
// a 401 before the login and the viewer's 403 are the test's own
page.on('console', (m) => { if (m.type() === 'error' && !/status of 40[13]/.test(m.text())) errors.push(m.text()); });
const cred = (v) => { if (!v) return null; const i = v.indexOf(':'); return { user: v.slice(0, i), password: v.slice(i + 1) }; };
const EDITOR = cred(process.env.EDITOR);
const VIEWER = cred(process.env.VIEWER);
async function loginAs(who) {
  await page.goto(BASE + '/#/records', { waitUntil: 'domcontentloaded' });
  if (await page.locator('#logout').count()) await page.click('#logout');
  await page.waitForSelector('#login-form', { timeout: 15000 });
  await page.fill('#login-user', who.user);
  await page.fill('#login-password', who.password);
  await page.click('#login-form button[type=submit]');
  await page.waitForSelector('#logout', { timeout: 15000 });
}
try {
  const tid = process.env.TEMPLATE;
  if (EDITOR) await loginAs(EDITOR);
  await page.goto(BASE + '/#/records');
  await page.waitForSelector('#templates', { timeout: 20000 });
  check('the Records page lists the templates', await page.locator('#templates tbody tr').count() >= 1);
  await page.click('#template-' + tid);
  await page.waitForSelector('#records tbody tr', { timeout: 20000 });
  const rows = await page.locator('#records tbody tr').count();
  check("a template's table has a row a filled form", String(rows) === process.env.DOCS, `${rows} rows, want ${process.env.DOCS}`);
  const value = process.env.VALUE;
  await page.fill('#records-filter', value);
  const kept = await page.locator('#records tbody tr').count();
  check('the filter keeps the rows holding the value', kept >= 1 && kept < rows, `${kept} of ${rows}`);
  await page.fill('#records-filter', '');
  const first = await page.locator('#records tbody tr:first-child td:nth-child(2)').innerText();
  await page.locator('#records thead th.sortable').first().click();
  await page.locator('#records thead th.sortable').first().click();
  const sorted = await page.locator('#records tbody tr:first-child td:nth-child(2)').innerText();
  check('a click on a label sorts the table (and again the other way)', typeof sorted === 'string', `${first} -> ${sorted}`);
  // the cell that holds the value itself (not a longer one that contains it)
  const exact = new RegExp('^' + value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') + '(\\s|$)');
  const cell = page.locator('#records tbody td.record-value', { hasText: exact }).first();
  await cell.click();
  await page.waitForSelector('#detail-value', { timeout: 10000 });
  const shown = await page.locator('#detail-value').innerText();
  check('a value clicked shows where it was read', shown.includes(value), shown);
  check('the place names page and characters', (await page.locator('#record-detail').innerText()).includes('characters'));
  await page.screenshot({ path: path.join(SHOTS, 'records.png'), fullPage: false });
  if (EDITOR && VIEWER) {
    // the editor corrects the value clicked
    const fix = process.env.CORRECT;
    check('an editor sees the correction form', await page.locator('#correct-form').count() === 1);
    await page.fill('#correct-input', fix);
    await page.click('#correct-form button[type=submit]');
    await page.waitForSelector('#records tbody td.record-value.corrected', { timeout: 15000 });
    const marked = await page.locator('#records tbody td.record-value.corrected').first().innerText();
    check('the table shows the corrected value, marked', marked.includes(fix), marked);
    const title = await page.locator('#records tbody td.record-value.corrected').first().getAttribute('title');
    check('the mark says who corrected it and the first reading', (title || '').includes('corrected by ' + EDITOR.user) && (title || '').includes(value), title);
    await page.waitForSelector('#detail-corrected', { timeout: 10000 });
    check('the value panel keeps the first reading', (await page.locator('#detail-corrected').innerText()).includes(value));
    await page.screenshot({ path: path.join(SHOTS, 'records-corrected.png'), fullPage: false });
    // the viewer: no edit control, and the API refuses
    await loginAs(VIEWER);
    await page.goto(BASE + '/#/records?template=' + tid);
    await page.waitForSelector('#records tbody tr', { timeout: 20000 });
    await page.locator('#records tbody td.record-value.corrected').first().click();
    await page.waitForSelector('#detail-value', { timeout: 10000 });
    check('a viewer sees the correction too', (await page.locator('#detail-value').innerText()).includes(fix));
    check('a viewer has no correction form', await page.locator('#correct-form').count() === 0);
    const doc = await page.locator('#records tbody tr', { has: page.locator('td.record-value.corrected') }).first().locator('td').first().innerText();
    const status = await page.evaluate(async (d) => {
      const me = await (await fetch('/api/me', { credentials: 'same-origin' })).json();
      const r = await fetch('/api/docs/' + d + '/fields', {
        method: 'POST', credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf },
        body: JSON.stringify({ label: 'x', value: 'y' }) });
      return r.status;
    }, doc.replace('#', ''));
    check('the API answers a viewer\'s correction with 403', status === 403, String(status));
  }
  check('no script errors on the page', errors.length === 0, errors.join(' | '));
} catch (e) {
  fails++;
  console.log('NOT OK - the records page: ' + String(e));
}
await context.close();
fs.rmSync(userDir, { recursive: true, force: true });
clearTimeout(deadline);
process.exit(fails ? 1 : 0);
