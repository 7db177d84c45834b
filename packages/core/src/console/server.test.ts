import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CONSOLE_CSP } from './http.js';
import { cookieOf, fetchConsole, logIn, startTestConsole, type TestConsole } from './server.test-support.js';

describe('console listener', () => {
  let t: TestConsole;
  before(async () => {
    t = await startTestConsole();
  });
  after(() => t.close());

  it('sends the CSP and the other security headers on every response', async () => {
    for (const path of ['/', '/login', '/login?token=bad', '/api/v1/session', '/assets/app.js', '/nope']) {
      const a = await fetchConsole(t, path);
      assert.equal(a.headers['content-security-policy'], CONSOLE_CSP, path);
      assert.equal(a.headers['x-content-type-options'], 'nosniff', path);
      assert.equal(a.headers['referrer-policy'], 'no-referrer', path);
      assert.equal(a.headers['x-frame-options'], 'DENY', path);
    }
    assert.equal(
      CONSOLE_CSP,
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    );
  });

  it('redirects / to /login without a session', async () => {
    const a = await fetchConsole(t, '/');
    assert.equal(a.status, 303);
    assert.equal(a.headers.location, '/login');
  });

  it('explains how to log in at /login, and says so when the session expired', async () => {
    const a = await fetchConsole(t, '/login');
    assert.equal(a.status, 200);
    assert.match(a.body, /spire-server console login/);
    assert.doesNotMatch(a.body, /expired/);
    const b = await fetchConsole(t, '/login?expired=1');
    assert.match(b.body, /Your session expired/);
  });

  it('answers 401 with the JSON error for the API without a session', async () => {
    for (const [method, path] of [['GET', '/api/v1/session'], ['POST', '/api/v1/rpc/spire.api.server.entry.v1.Entry/ListEntries'], ['GET', '/api/v1/server']]) {
      const a = await fetchConsole(t, path!, { method: method! });
      assert.equal(a.status, 401, path);
      assert.equal(a.headers['cache-control'], 'no-store');
      assert.deepEqual(JSON.parse(a.body), { error: { code: 'UNAUTHENTICATED', message: 'no console session: log in again' } });
    }
    assert.equal(t.api.calls.length, 0);
  });

  it('logs in with a login link: 303 to /, with an HttpOnly Secure SameSite=Strict cookie', async () => {
    const link = t.links.issue();
    const a = await fetchConsole(t, `/login?token=${link.token}`);
    assert.equal(a.status, 303);
    assert.equal(a.headers.location, '/');
    const set = a.headers['set-cookie'] as string[];
    assert.equal(set.length, 1);
    assert.match(set[0]!, /^spire_console=[0-9a-f]{64}; HttpOnly; Secure; SameSite=Strict; Path=\/$/);
    const home = await fetchConsole(t, '/', { headers: { Cookie: cookieOf(a) } });
    assert.equal(home.status, 200);
    assert.match(home.body, /<title>console<\/title>/);
  });

  it('refuses a link a second time, and a made-up one, with the 401 page', async () => {
    const link = t.links.issue();
    assert.equal((await fetchConsole(t, `/login?token=${link.token}`)).status, 303);
    for (const token of [link.token, 'made-up']) {
      const a = await fetchConsole(t, `/login?token=${token}`);
      assert.equal(a.status, 401);
      assert.equal(a.headers['set-cookie'], undefined);
      assert.match(a.body, /This login link is invalid, used or expired\. Run <code>spire-server console login<\/code> for a new one\./);
    }
  });

  it('answers /api/v1/session with the user, how they logged in, the CSRF token and the idle expiry', async () => {
    const { cookie, csrf } = await logIn(t);
    const a = await fetchConsole(t, '/api/v1/session', { headers: { Cookie: cookie } });
    const s = JSON.parse(a.body) as Record<string, string>;
    assert.equal(a.status, 200);
    assert.match(s.user!, /^link:[0-9a-f]{8}$/);
    assert.equal(s.user, `link:${cookie.slice('spire_console='.length, 'spire_console='.length + 8)}`);
    assert.equal(s.via, 'login_link');
    assert.equal(s.csrfToken, csrf);
    assert.equal(s.idleExpiresAt, new Date(t.clock.ms + 15 * 60_000).toISOString());
  });

  it('refuses a non-GET API call without the CSRF token, or with a wrong one, with 403', async () => {
    const { cookie, csrf } = await logIn(t);
    const before = t.api.calls.length;
    for (const headers of [{ Cookie: cookie }, { Cookie: cookie, 'X-CSRF-Token': 'wrong' }, { Cookie: cookie, 'X-CSRF-Token': csrf.slice(1) + '0' }] as Record<string, string>[]) {
      const a = await fetchConsole(t, '/api/v1/rpc/spire.api.server.entry.v1.Entry/BatchDeleteEntry', { method: 'POST', headers, body: '{"ids":["x"]}' });
      assert.equal(a.status, 403);
      assert.deepEqual(JSON.parse(a.body), { error: { code: 'PERMISSION_DENIED', message: 'missing or wrong CSRF token' } });
    }
    const logout = await fetchConsole(t, '/api/v1/logout', { method: 'POST', headers: { Cookie: cookie } });
    assert.equal(logout.status, 403);
    assert.equal(t.api.calls.length, before);
  });

  it('hands other API calls to the ConsoleApi as the login-link caller', async () => {
    const { cookie, csrf } = await logIn(t);
    t.api.calls.length = 0;
    const a = await fetchConsole(t, '/api/v1/rpc/spire.api.server.entry.v1.Entry/ListEntries?x=1', { method: 'POST', headers: { Cookie: cookie, 'X-CSRF-Token': csrf }, body: '{"page_size":50}' });
    assert.equal(a.status, 200);
    assert.equal(a.headers['cache-control'], 'no-store');
    assert.deepEqual(JSON.parse(a.body), { echo: '/rpc/spire.api.server.entry.v1.Entry/ListEntries' });
    const call = t.api.calls[0]!;
    assert.equal(call.method, 'POST');
    assert.equal(call.query.get('x'), '1');
    assert.deepEqual(call.body, { page_size: 50 });
    const id8 = cookie.slice('spire_console='.length, 'spire_console='.length + 8);
    assert.deepEqual(call.caller, { transport: 'uds', addr: 'console', ip: '', console: { user: `link:${id8}`, remote: '127.0.0.1' } });
    const g = await fetchConsole(t, '/api/v1/server', { headers: { Cookie: cookie } });
    assert.equal(g.status, 200, 'a GET needs no CSRF token');
  });

  it('passes the ConsoleApi\'s status, text and headers through', async () => {
    const { cookie } = await logIn(t);
    t.api.answer = () => ({ status: 200, text: 'PEM', contentType: 'application/x-pem-file', headers: { 'Content-Disposition': 'attachment; filename="bundle.pem"' } });
    const a = await fetchConsole(t, '/api/v1/bundle/local?format=pem&download=1', { headers: { Cookie: cookie } });
    t.api.answer = (req) => ({ status: 200, json: { echo: req.path } });
    assert.equal(a.body, 'PEM');
    assert.equal(a.headers['content-type'], 'application/x-pem-file');
    assert.equal(a.headers['content-disposition'], 'attachment; filename="bundle.pem"');
    assert.equal(a.headers['content-security-policy'], CONSOLE_CSP);
  });

  it('refuses a body that is not JSON with 400 INVALID_ARGUMENT', async () => {
    const { cookie, csrf } = await logIn(t);
    const a = await fetchConsole(t, '/api/v1/entries/parse', { method: 'POST', headers: { Cookie: cookie, 'X-CSRF-Token': csrf }, body: '{nope' });
    assert.equal(a.status, 400);
    const e = JSON.parse(a.body) as { error: { code: string; message: string } };
    assert.equal(e.error.code, 'INVALID_ARGUMENT');
    assert.match(e.error.message, /^request body is not valid JSON: /);
  });

  it('logs out: {} and the cookie cleared, after which the session is refused', async () => {
    const { cookie, csrf } = await logIn(t);
    const a = await fetchConsole(t, '/api/v1/logout', { method: 'POST', headers: { Cookie: cookie, 'X-CSRF-Token': csrf } });
    assert.equal(a.status, 200);
    assert.deepEqual(JSON.parse(a.body), {});
    assert.match((a.headers['set-cookie'] as string[])[0]!, /^spire_console=; HttpOnly; Secure; SameSite=Strict; Path=\/; Max-Age=0$/);
    assert.equal((await fetchConsole(t, '/api/v1/session', { headers: { Cookie: cookie } })).status, 401);
  });

  it('ends a session idle for longer than session_idle_timeout; each API call refreshes it', async () => {
    const { cookie } = await logIn(t);
    t.clock.ms += 14 * 60_000;
    assert.equal((await fetchConsole(t, '/api/v1/server', { headers: { Cookie: cookie } })).status, 200);
    t.clock.ms += 14 * 60_000;
    assert.equal((await fetchConsole(t, '/api/v1/session', { headers: { Cookie: cookie } })).status, 200);
    t.clock.ms += 15 * 60_000;
    assert.equal((await fetchConsole(t, '/api/v1/session', { headers: { Cookie: cookie } })).status, 401);
    const home = await fetchConsole(t, '/', { headers: { Cookie: cookie } });
    assert.equal(home.status, 303);
  });

  it('serves the UI assets, and nothing outside the UI directory', async () => {
    const a = await fetchConsole(t, '/assets/app.js');
    assert.equal(a.status, 200);
    assert.equal(a.headers['content-type'], 'text/javascript; charset=utf-8');
    for (const p of ['/assets/..%2findex.html', '/assets/%2e%2e/%2e%2e/etc/passwd', '/assets/.hidden', '/assets/missing.js']) {
      assert.equal((await fetchConsole(t, p)).status, 404, p);
    }
  });
});

describe('console listener without a built UI', () => {
  it('answers 503 saying the console UI is not built, run npm run build', async () => {
    const t = await startTestConsole({ built: false });
    try {
      const { cookie } = await logIn(t);
      const a = await fetchConsole(t, '/', { headers: { Cookie: cookie } });
      assert.equal(a.status, 503);
      assert.match(a.body, /The console UI is not built: run <code>npm run build<\/code>/);
      assert.equal((await fetchConsole(t, '/assets/app.js')).status, 503);
    } finally {
      await t.close();
    }
  });
});
