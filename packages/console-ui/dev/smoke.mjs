// Dev only: drives the mock server in Chromium, fails on console errors (CSP violations
// included) and saves a screenshot of each page.   node dev/smoke.mjs [baseUrl] [outDir]
import { chromium } from 'playwright-core';

const base = process.argv[2] ?? 'http://127.0.0.1:8445';
const out = process.argv[3] ?? '/tmp/console-shots';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-dev-shm-usage'] });
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
const problems = [];
page.on('console', (m) => { if (m.type() === 'error' && !/status of 401/.test(m.text())) problems.push(m.text()); });
page.on('pageerror', (e) => problems.push(e.message));
page.on('dialog', (d) => { problems.push(`unexpected dialog: ${d.message()}`); void d.dismiss(); });
const shot = (name) => page.screenshot({ path: `${out}/${name}.png`, fullPage: true });
const step = async (name, fn) => { await fn(); console.log(`ok ${name}`); };

await step('server', async () => {
  await page.goto(`${base}/#/server`);
  await page.getByTestId('page-server').waitFor();
  await page.getByText('example.org').waitFor();
  await page.getByLabel('Log level').selectOption('DEBUG');
  await page.getByRole('button', { name: 'Set level' }).click();
  await page.getByText('Log level set: debug').waitFor();
  await shot('server');
});
await step('entries paging + filter', async () => {
  await page.goto(`${base}/#/entries`);
  await page.getByTestId('entry-row').first().waitFor();
  if ((await page.getByTestId('entry-row').count()) !== 50) throw new Error('expected 50 rows');
  await page.getByTestId('next-page').click();
  await page.getByTestId('page-number').getByText('Page 2').waitFor();
  await page.getByTestId('prev-page').click();
  await page.getByTestId('page-number').getByText('Page 1').waitFor();
  await page.getByLabel('Filter by selectors').fill('unix:uid:1001');
  await page.getByTestId('filter-apply').click();
  await page.getByText('26 matching entries').waitFor();
  await shot('entries');
});
await step('entry create with a bad ID, then good', async () => {
  await page.getByTestId('entry-create').click();
  const form = page.locator('form[aria-label="New entry"]');
  await form.getByLabel('SPIFFE ID').fill('spiffe://Bad Domain/x');
  await form.getByLabel('Parent ID').fill('spiffe://example.org/spire/agent/a1');
  await form.getByLabel('Selectors').fill('unix:uid:42');
  await page.getByTestId('entry-save').click();
  await form.getByRole('alert').getByText('trust domain characters are limited').waitFor();
  await form.getByLabel('SPIFFE ID').fill('spiffe://example.org/new');
  await form.getByLabel('Hint').fill('<img src=x onerror=alert(1)>');
  await page.getByTestId('entry-save').click();
  await page.getByText(/Created entry .* for spiffe:\/\/example.org\/new/).waitFor();
});
await step('entry show, update, delete', async () => {
  await page.goto(`${base}/#/entries/e-0003`);
  await page.getByTestId('page-entry').waitFor();
  await page.getByText('<img src=x onerror=alert(1)>').waitFor();
  if ((await page.locator('img').count()) !== 0) throw new Error('hint rendered as HTML');
  await page.getByTestId('entry-edit').click();
  await page.getByLabel('X.509-SVID TTL').fill('1h');
  await page.getByTestId('entry-save').click();
  await page.getByText('3600s (1h)').waitFor();
  await shot('entry');
  await page.getByTestId('entry-delete').click();
  await page.getByTestId('confirm-cancel').waitFor();
  if (!(await page.getByTestId('confirm-cancel').evaluate((el) => el === el.ownerDocument.activeElement))) throw new Error('focus not in the dialog');
  await page.keyboard.press('Escape');
  await page.getByTestId('confirm-cancel').waitFor({ state: 'detached' });
  if (!(await page.getByTestId('entry-delete').evaluate((el) => el === el.ownerDocument.activeElement))) throw new Error('focus not back on the opener');
  await page.getByTestId('entry-delete').click();
  await page.getByTestId('confirm-ok').click();
  await page.getByText('Deleted entry e-0003.').waitFor();
});
await step('bulk import', async () => {
  await page.goto(`${base}/#/entries`);
  const list = Array.from({ length: 120 }, (_, i) => ({ spiffe_id: `spiffe://example.org/imp/${i}`, parent_id: 'spiffe://example.org/spire/agent/a1', selectors: i === 7 ? [] : [{ type: 'unix', value: 'uid:7' }] }));
  await page.getByLabel('Entries file').setInputFiles({ name: 'entries.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify({ entries: list })) });
  await page.getByTestId('entry-import').click();
  await page.getByText('Done: 119 created, 1 failed.').waitFor();
  await page.getByTestId('import-result').first().getByText('selector list is empty').waitFor();
  await shot('import');
});
await step('tokens', async () => {
  await page.goto(`${base}/#/tokens`);
  await page.getByLabel('SPIFFE ID').fill('spiffe://example.org/host');
  await page.getByTestId('token-generate').click();
  const tok = await page.getByTestId('token-value').textContent();
  await page.getByText(`spire-agent run -joinToken ${tok}`).waitFor();
  await shot('tokens');
});
await step('agents', async () => {
  await page.goto(`${base}/#/agents`);
  await page.getByTestId('agent-row').first().waitFor();
  await page.getByRole('button', { name: /^Show / }).click();
  await page.getByText('join_token:abc').waitFor();
  await page.getByTestId('agent-ban').click();
  await page.getByTestId('confirm-ok').click();
  await page.getByText(/^Banned /).waitFor();
  await shot('agents');
});
await step('bundles', async () => {
  await page.goto(`${base}/#/bundles`);
  await page.getByText('BEGIN CERTIFICATE').waitFor();
  await page.getByLabel('Trust domain ID').fill('spiffe://other.org');
  await page.getByLabel('Bundle', { exact: true }).fill('-----BEGIN CERTIFICATE-----');
  await page.getByTestId('bundle-set').click();
  await page.getByTestId('bundle-row').first().waitFor();
  await shot('bundles');
});
await step('federation', async () => {
  await page.goto(`${base}/#/federation`);
  await page.getByTestId('federation-create').click();
  await page.getByLabel('Trust domain', { exact: true }).fill('other.org');
  await page.getByLabel('Bundle endpoint URL').fill('https://other.org:8443');
  await page.getByTestId('federation-save').click();
  await page.getByTestId('federation-row').first().waitFor();
  await page.getByTestId('federation-refresh').click();
  await page.getByText('connection refused').waitFor();
  await shot('federation');
});
await step('ca', async () => {
  await page.goto(`${base}/#/ca`);
  await page.getByTestId('ca-x509').getByTestId('authority-prepare').click();
  await page.getByTestId('confirm-ok').click();
  await page.getByTestId('authority-activate').waitFor();
  await page.getByTestId('authority-activate').click();
  const named = await page.getByTestId('confirm-authority').textContent();
  if (!named?.startsWith('x509-')) throw new Error(`dialog names ${named}`);
  await page.getByTestId('confirm-ok').click();
  await page.getByText(/^Activated X.509 authority x509-/).waitFor();
  await shot('ca');
});
await step('expired session goes back to login', async () => {
  await page.request.get(`${base}/dev/expire`);
  await page.goto(`${base}/#/entries`);
  await page.waitForURL(/\/login\?expired=1$/);
});
await browser.close();
if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log('smoke: all pages ok');
