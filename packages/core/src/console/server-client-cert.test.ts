import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeServerCA } from '../api/ports.fake.js';
import { TrustDomain } from '../spiffeid/index.js';
import { ADMIN_ID, cookieOf, fetchConsole, startTestConsole, type TestConsole } from './server.test-support.js';

describe('console client-certificate login', () => {
  let t: TestConsole;
  before(async () => {
    t = await startTestConsole();
  });
  after(() => t.close());

  it('logs an X509-SVID of admin_ids straight in at /', async () => {
    const cert = await t.ca.issue(ADMIN_ID);
    const a = await fetchConsole(t, '/', { cert });
    assert.equal(a.status, 200);
    assert.match((a.headers['set-cookie'] as string[])[0]!, /^spire_console=[0-9a-f]{64}; HttpOnly; Secure; SameSite=Strict; Path=\/$/);
    const s = JSON.parse((await fetchConsole(t, '/api/v1/session', { headers: { Cookie: cookieOf(a) } })).body) as Record<string, string>;
    assert.equal(s.user, ADMIN_ID);
    assert.equal(s.via, 'client_certificate');
  });

  it('logs in at /login too, redirecting to /', async () => {
    const a = await fetchConsole(t, '/login', { cert: await t.ca.issue(ADMIN_ID) });
    assert.equal(a.status, 303);
    assert.equal(a.headers.location, '/');
    assert.ok(cookieOf(a));
  });

  it('calls the API as the certificate\'s caller, with the console user', async () => {
    const cert = await t.ca.issue(ADMIN_ID);
    const a = await fetchConsole(t, '/api/v1/session', { cert });
    const { csrfToken } = JSON.parse(a.body) as { csrfToken: string };
    t.api.calls.length = 0;
    const r = await fetchConsole(t, '/api/v1/agents/purge', { method: 'POST', headers: { Cookie: cookieOf(a), 'X-CSRF-Token': csrfToken }, body: '{}', cert });
    assert.equal(r.status, 200);
    const caller = t.api.calls[0]!.caller;
    assert.equal(caller.transport, 'tcp');
    assert.equal(caller.ip, '127.0.0.1');
    assert.match(caller.addr, /^127\.0\.0\.1:\d+$/);
    assert.equal(caller.svid?.id.toString(), ADMIN_ID);
    assert.deepEqual(caller.console, { user: ADMIN_ID, remote: '127.0.0.1' });
  });

  it('does not log in an SVID that is not in admin_ids', async () => {
    const cert = await t.ca.issue('spiffe://example.org/workload');
    const a = await fetchConsole(t, '/', { cert });
    assert.equal(a.status, 303);
    assert.equal(a.headers.location, '/login');
    assert.equal((await fetchConsole(t, '/api/v1/session', { cert })).status, 401);
  });

  it('does not log in a certificate naming an admin ID from a CA outside the trust bundle', async () => {
    const other = await FakeServerCA.create(TrustDomain.parse('example.org'));
    const cert = await other.issue(ADMIN_ID);
    const a = await fetchConsole(t, '/', { cert });
    assert.equal(a.status, 303);
    assert.equal(a.headers.location, '/login');
  });
});
