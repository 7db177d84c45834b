// The console's entry pages in Debian's Chromium against a real server: the form with the API's
// own validation message, an update that the CLI sees, a delete, and paging and filtering over
// 10,000 entries.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { ConsoleRig, browserSkip } from './console-setup.js';

const TD = 'example.org';
const PARENT = `spiffe://${TD}/spire/agent/console-test`;
const idOf = (s: string) => {
  const u = new URL(s);
  return { trust_domain: u.host, path: u.pathname };
};

interface CliEntry {
  id: string;
  selectors: { type: string; value: string }[];
  x509_svid_ttl: string | number;
}

/** Waits until `cond` holds (polled), failing with `what` after `ms`. */
async function until(what: string, cond: () => Promise<boolean> | boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Waits for the first rows of the entries table; a timeout names what the page shows instead. */
async function firstRows(page: Page): Promise<void> {
  try {
    await page.getByTestId('entry-row').first().waitFor({ timeout: 20_000 });
  } catch (err) {
    throw new Error(`no entry rows at ${page.url()}: ${((await page.textContent('main')) ?? '').slice(0, 500)}`, { cause: err });
  }
}

/** The SPIFFE IDs in the entries table (its second column), in order. */
async function rowIds(page: Page): Promise<string[]> {
  return page.getByTestId('entry-row').evaluateAll((rows) => rows.map((r) => (r.querySelector('td:nth-child(2)')?.textContent ?? '').trim()));
}

/**
 * Walks the list from the page shown to the last with the Next button, which the server's page
 * token drives; returns every SPIFFE ID seen and the number of pages.
 */
async function walkPages(page: Page): Promise<{ ids: string[]; pages: number }> {
  const ids = await rowIds(page);
  let pages = 1;
  const next = page.getByTestId('next-page');
  while (await next.isEnabled()) {
    const shown = await page.getByTestId('page-number').textContent();
    const firstBefore = (await rowIds(page))[0];
    await next.click();
    // Loaded: the page number moved on, the rows are new and the table is no longer busy (the
    // first render after the click shows the new number with the old rows, not yet busy).
    await until(
      'the next page',
      async () =>
        (await page.getByTestId('page-number').textContent()) !== shown &&
        (await rowIds(page))[0] !== firstBefore &&
        (await page.locator('table[aria-busy="false"]').count()) === 1,
    );
    ids.push(...(await rowIds(page)));
    if (++pages > 400) throw new Error('paging does not end');
  }
  return { ids, pages };
}

describe('console: entries in a real browser', { skip: browserSkip(), timeout: 300_000 }, () => {
  const rig = new ConsoleRig(TD);
  before(() => rig.start());
  after(() => rig.stop());

  const cliEntries = (spiffeId: string): CliEntry[] =>
    (JSON.parse(rig.server.cli('entry', 'show', '-spiffeID', spiffeId, '-output', 'json')) as { entries?: CliEntry[] }).entries ?? [];

  it('refuses a bad SPIFFE ID with the API message, creates through the form, updates selectors and TTL, deletes', async () => {
    const bad = `spiffe://${TD}/a//b`;
    // What the API itself says of that ID (the page must show exactly this).
    const countBefore = (await rig.server.admin<{ count: number }>('entry', 'CountEntries', {})).count;
    const direct = await rig.server.admin<{ results: { status: { code: number; message: string } }[] }>('entry', 'BatchCreateEntry', {
      entries: [{ spiffe_id: idOf(bad), parent_id: idOf(PARENT), selectors: [{ type: 'unix', value: 'uid:1000' }] }],
    });
    const apiMessage = direct.results[0]!.status.message;
    assert.notEqual(direct.results[0]!.status.code, 0);

    const page = await rig.loggedIn('#/entries');
    await page.getByTestId('entry-create').click();
    const form = page.getByRole('form', { name: 'New entry' });
    await form.getByLabel('SPIFFE ID', { exact: true }).fill(bad);
    await form.getByLabel('Parent ID', { exact: true }).fill(PARENT);
    await form.getByLabel('Selectors', { exact: true }).fill('unix:uid:1000');
    await form.getByTestId('entry-save').click();
    await page.getByRole('alert').filter({ hasText: apiMessage }).waitFor();
    assert.equal((await rig.server.admin<{ count: number }>('entry', 'CountEntries', {})).count, countBefore, 'nothing was stored');

    const good = `spiffe://${TD}/console/web`;
    await form.getByLabel('SPIFFE ID', { exact: true }).fill(good);
    await form.getByTestId('entry-save').click();
    await until('the entry to be stored', () => cliEntries(good).length === 1);
    const [created] = cliEntries(good);
    assert.deepEqual(created!.selectors, [{ type: 'unix', value: 'uid:1000' }]);

    await page.goto(`${rig.origin}/#/entries/${created!.id}`);
    await page.getByTestId('entry-edit').click();
    const edit = page.getByRole('form', { name: 'Edit entry' });
    await edit.getByLabel('Selectors', { exact: true }).fill('unix:uid:2000\nunix:gid:50');
    await edit.getByLabel('X.509-SVID TTL', { exact: true }).fill('7200');
    await edit.getByTestId('entry-save').click();
    await until('the update to be stored', () => Number(cliEntries(good)[0]?.x509_svid_ttl) === 7200);
    const shown = rig.server.cli('entry', 'show', '-entryID', created!.id);
    assert.match(shown, /Selector\s+: unix:gid:50/);
    assert.match(shown, /Selector\s+: unix:uid:2000/);
    assert.doesNotMatch(shown, /uid:1000/);
    assert.match(shown, /X509-SVID TTL\s+: 7200/);

    await page.getByTestId('entry-delete').click();
    await page.getByTestId('confirm-ok').click();
    await until('the entry to be deleted', () => cliEntries(good).length === 0);
    await page.close();
  });

  it('pages through 10,000 entries on the server side and filters by selector', async () => {
    const total = 10_000;
    for (let i = 0; i < total; i += 1000) {
      const entries = Array.from({ length: 1000 }, (_, k) => {
        const n = i + k;
        return { spiffe_id: idOf(`spiffe://${TD}/bulk/w${String(n).padStart(5, '0')}`), parent_id: idOf(PARENT), selectors: [{ type: 'unix', value: `uid:${n}` }, { type: 'k8s', value: `ns:ns-${n % 100}` }] };
      });
      const res = await rig.server.admin<{ results: { status: { code: number } }[] }>('entry', 'BatchCreateEntry', { entries });
      assert.ok(res.results.every((r) => r.status.code === 0));
    }
    const page = await rig.loggedIn('#/entries');
    await firstRows(page);
    assert.equal((await rowIds(page)).length, 50, 'a page holds 50 entries');
    await rig.screenshot(page, 'entries');
    const all = await walkPages(page);
    // 200 full pages; the server may hand a token after the last full one, which then is empty.
    assert.ok(all.pages === total / 50 || all.pages === total / 50 + 1, `pages: ${all.pages}`);
    assert.equal(all.ids.length, total);
    assert.equal(new Set(all.ids).size, total);

    // The filter: k8s:ns:ns-7 matches 100 entries (w…07, w…17, …: n % 100 = 7).
    const filter = page.getByRole('form', { name: 'Filter entries' });
    await filter.getByLabel('Filter by selectors', { exact: true }).fill('k8s:ns:ns-7');
    await filter.getByTestId('filter-apply').click();
    await until('the filtered first page', async () => {
      const ids = await rowIds(page);
      return ids.length > 0 && ids.every((id) => /\/bulk\/w\d{3}07$/.test(id));
    });
    const filtered = await walkPages(page);
    assert.equal(filtered.ids.length, 100);
    assert.equal(new Set(filtered.ids).size, 100);
    assert.ok(filtered.ids.every((id) => /\/bulk\/w\d{3}07$/.test(id)), filtered.ids.join(' '));
    await page.close();
  });

  it('imports an entry create -data file with progress and a result per entry', async () => {
    // Runs last: the paging case counts every entry. 120 entries in the CLI's -data format, under
    // a parent of their own; #7 has no selector, which the API refuses for that entry alone.
    const importParent = `spiffe://${TD}/spire/agent/importer`;
    const doc = {
      entries: Array.from({ length: 120 }, (_, n) => ({
        spiffe_id: `spiffe://${TD}/import/w${n}`,
        parent_id: importParent,
        selectors: n === 7 ? [] : [{ type: 'unix', value: `uid:${5000 + n}` }],
        x509_svid_ttl: 600,
      })),
    };
    const page = await rig.loggedIn('#/entries');
    await page.getByLabel('Entries file', { exact: true }).setInputFiles({ name: 'entries.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(doc)) });
    await page.getByTestId('entry-import').click();
    await page.getByTestId('import-status').getByText('Done: 119 created, 1 failed.').waitFor({ timeout: 60_000 });
    assert.equal(await page.getByRole('progressbar', { name: 'Import progress' }).getAttribute('value'), '120');
    const results = page.getByTestId('import-result');
    assert.equal(await results.count(), 120);
    // Failures first, with the API's own message for that entry.
    const first = ((await results.first().textContent()) ?? '').trim();
    assert.match(first, new RegExp(`^8spiffe://${TD}/import/w7`));
    assert.match(first, /selector/i);
    assert.equal(cliEntries(`spiffe://${TD}/import/w7`).length, 0);
    assert.equal(cliEntries(`spiffe://${TD}/import/w119`).length, 1);
    const count = await rig.server.admin<{ count: number }>('entry', 'CountEntries', { filter: { by_parent_id: idOf(importParent) } });
    assert.equal(count.count, 119);
    await page.close();
  });
});
