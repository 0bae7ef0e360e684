// records.test.mjs - the workbench's Records page (web/records.js) in a real
// browser (Debian's chromium through playwright-core) against `daftar
// serve` on loopback, on a case of generated forms (tests/e2e/test_forms.sh).
//
// Environment: BASE_URL (required), SHOTS (screenshots folder, required),
// TEMPLATE (a template id), DOCS (its filled forms), VALUE (a value of it),
// CHROMIUM (default /usr/bin/chromium); the case has no users (local admin).
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
page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
try {
  const tid = process.env.TEMPLATE;
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
  const cell = page.locator('#records tbody td.record-value', { hasText: value }).first();
  await cell.click();
  await page.waitForSelector('#detail-value', { timeout: 10000 });
  const shown = await page.locator('#detail-value').innerText();
  check('a value clicked shows where it was read', shown.includes(value), shown);
  check('the place names page and characters', (await page.locator('#record-detail').innerText()).includes('characters'));
  await page.screenshot({ path: path.join(SHOTS, 'records.png'), fullPage: false });
  check('no script errors on the page', errors.length === 0, errors.join(' | '));
} catch (e) {
  fails++;
  console.log('NOT OK - the records page: ' + String(e));
}
await context.close();
fs.rmSync(userDir, { recursive: true, force: true });
clearTimeout(deadline);
process.exit(fails ? 1 : 0);
