import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../../../api/testing/harness.js';
import { LoginLinks } from '../../../console/login-links.js';
import { consoleLoginService } from '../../../console/login-link-service.js';
import { runInProcess } from '../../test-support/run-in-process.js';

describe('spire-server console login', () => {
  let h: Harness;
  const links = new LoginLinks(5 * 60_000, 'https://127.0.0.1:8444');
  before(async () => {
    h = await startHarness({ adminOnlyServices: [consoleLoginService(links)], auditLogEnabled: true });
  });
  after(() => h.close());

  it('prints a one-time link on its own line, then its expiry; the link works once', async () => {
    const r = await runInProcess(['console', 'login', '-socketPath', h.socketPath]);
    assert.equal(r.stderr, '');
    assert.equal(r.code, 0);
    const m = /^(https:\/\/127\.0\.0\.1:8444\/login\?token=([A-Za-z0-9_-]{43}))\nThe link logs in once; it expires at (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)\.\n$/.exec(r.stdout);
    assert.ok(m, r.stdout);
    const expires = Date.parse(m[3]!);
    assert.ok(Math.abs(expires - (Date.now() + 5 * 60_000)) < 5_000);
    assert.equal(links.redeem(m[2]!), true);
    assert.equal(links.redeem(m[2]!), false);
  });

  it('prints the response as protojson with -output json', async () => {
    const r = await runInProcess(['console', 'login', '-socketPath', h.socketPath, '-output', 'json']);
    assert.equal(r.code, 0);
    const j = JSON.parse(r.stdout) as { url: string; expires_at: string };
    assert.match(j.url, /^https:\/\/127\.0\.0\.1:8444\/login\?token=/);
    assert.match(j.expires_at, /^\d+$/);
  });

  it('is audited without the token', () => {
    const lines = h.logs.audit().filter((l) => l.method === '/spirets.console.v1.Console/CreateLoginLink');
    assert.ok(lines.length >= 1);
    assert.equal(lines[0]!.status, 'success');
    assert.doesNotMatch(JSON.stringify(lines), /token=/);
  });

  it('is not served over TCP, even to an admin', async () => {
    const admin = await h.ca.issue('spiffe://example.org/admin');
    await assert.rejects(h.tcp('console', admin).call('CreateLoginLink', {}), (err: { code: number }) => err.code === 12);
  });
});

describe('spire-server console login without a console block', () => {
  it('fails with FAILED_PRECONDITION telling to add the block', async () => {
    const h = await startHarness({ adminOnlyServices: [consoleLoginService(undefined)] });
    try {
      const r = await runInProcess(['console', 'login', '-socketPath', h.socketPath]);
      assert.equal(r.code, 1);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /the console is not enabled: add a console block to the server configuration/);
    } finally {
      await h.close();
    }
  });
});
