// The console's door in Debian's Chromium against a real server: the one-time login link, refusal
// without it, CSRF refusal, untrusted text rendered as text, and an idle session sent back to login.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { ConsoleRig, browserSkip } from './console-setup.js';

/** A GET from this process (no browser, no cookie): status and body. */
function get(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { rejectUnauthorized: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const idOf = (s: string) => {
  const u = new URL(s);
  return { trust_domain: u.host, path: u.pathname };
};

describe('console: login, CSRF and untrusted text in a real browser', { skip: browserSkip(), timeout: 240_000 }, () => {
  const rig = new ConsoleRig();
  before(() => rig.start());
  after(() => rig.stop());

  it('refuses access without a login link: the page goes to /login and the API answers 401', async () => {
    const api = await get(`${rig.origin}/api/v1/session`);
    assert.equal(api.status, 401);
    assert.equal((JSON.parse(api.body) as { error: { code: string } }).error.code, 'UNAUTHENTICATED');
    const rpc = await get(`${rig.origin}/api/v1/server`);
    assert.equal(rpc.status, 401);
    const page = await rig.context!.newPage();
    await page.goto(`${rig.origin}/#/entries`);
    assert.equal(new URL(page.url()).pathname, '/login');
    assert.match((await page.textContent('body')) ?? '', /spire-server console login/);
    assert.equal(await page.getByTestId('page-entries').count(), 0);
    await page.close();
  });

  it('logs in through the one-time link, which works only once', async () => {
    const link = rig.loginLink();
    const page = await rig.context!.newPage();
    await page.goto(link);
    assert.equal(new URL(page.url()).pathname, '/');
    await page.getByTestId('page-server').waitFor();
    const cookies = await rig.context!.cookies(rig.origin);
    const session = cookies.find((c) => c.name === 'spire_console');
    assert.ok(session, 'a session cookie');
    assert.equal(session.httpOnly, true);
    assert.equal(session.secure, true);
    assert.equal(session.sameSite, 'Strict');
    await rig.screenshot(page, 'server');
    await page.close();

    // The same link again, from a browser without the session: refused.
    const other = await rig.browser!.newContext({ ignoreHTTPSErrors: true });
    const again = await other.newPage();
    const res = await again.goto(link);
    assert.equal(res?.status(), 401);
    assert.match((await again.textContent('body')) ?? '', /invalid, used or expired/);
    await other.close();
  });

  it('refuses a change without the CSRF token, and makes it with the token', async () => {
    const page = await rig.loggedIn('#/entries');
    await page.getByTestId('page-entries').waitFor();
    const body = {
      entries: [{ spiffe_id: idOf('spiffe://example.org/csrf/probe'), parent_id: idOf('spiffe://example.org/spire/agent/x'), selectors: [{ type: 'unix', value: 'uid:1' }] }],
    };
    const without = await page.evaluate(async (b) => {
      const r = await fetch('/api/v1/rpc/entry/BatchCreateEntry', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(b) });
      return { status: r.status, json: (await r.json()) as { error?: { code: string; message: string } } };
    }, body);
    assert.equal(without.status, 403);
    assert.equal(without.json.error?.code, 'PERMISSION_DENIED');
    assert.match(without.json.error?.message ?? '', /CSRF/);
    assert.doesNotMatch(rig.server.cli('entry', 'show', '-spiffeID', 'spiffe://example.org/csrf/probe'), /Entry ID/);

    const withToken = await page.evaluate(async (b) => {
      const s = (await (await fetch('/api/v1/session')).json()) as { csrfToken: string };
      const r = await fetch('/api/v1/rpc/entry/BatchCreateEntry', { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': s.csrfToken }, body: JSON.stringify(b) });
      return r.status;
    }, body);
    assert.equal(withToken, 200);
    assert.match(rig.server.cli('entry', 'show', '-spiffeID', 'spiffe://example.org/csrf/probe'), /Entry ID/);
    await page.close();
  });

  it('renders a hostile hint as text', async () => {
    const hostile = '<img src=x onerror=alert(1)>';
    await rig.server.createEntry({ spiffeId: 'spiffe://example.org/xss', parentId: 'spiffe://example.org/spire/agent/x', selectors: [{ type: 'unix', value: 'uid:66' }] });
    const listed = await rig.server.admin<{ entries: { id: string }[] }>('entry', 'ListEntries', { filter: { by_spiffe_id: idOf('spiffe://example.org/xss') } });
    const id = listed.entries[0]!.id;
    await rig.server.admin('entry', 'BatchUpdateEntry', { entries: [{ id, hint: hostile }], input_mask: { hint: true } });

    const page = await rig.context!.newPage();
    let dialogs = 0;
    page.on('dialog', (d) => {
      dialogs++;
      void d.dismiss();
    });
    await page.goto(rig.loginLink());
    await page.goto(`${rig.origin}/#/entries/${id}`);
    await page.getByTestId('entry-details').getByText(hostile, { exact: true }).waitFor();
    await page.goto(`${rig.origin}/#/entries`);
    await page.getByTestId('entry-row').filter({ hasText: hostile }).waitFor();
    assert.equal(await page.locator('img[src="x"]').count(), 0, 'no <img> element was made from the hint');
    assert.equal(dialogs, 0, 'no script ran');
    await page.close();
  });
});

describe('console: an idle session goes back to login', { skip: browserSkip(), timeout: 120_000 }, () => {
  const rig = new ConsoleRig();
  before(() => rig.start({ consoleExtra: 'session_idle_timeout = "3s"' }));
  after(() => rig.stop());

  it('sends an expired session to the login page', async () => {
    const page = await rig.loggedIn('#/server');
    await page.getByTestId('page-server').waitFor();
    await new Promise((r) => setTimeout(r, 4_000));
    await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Entries' }).click();
    await page.waitForURL((u) => u.pathname === '/login' && u.searchParams.get('expired') === '1', { timeout: 15_000 });
    assert.match((await page.textContent('body')) ?? '', /expired/i);
  });
});
