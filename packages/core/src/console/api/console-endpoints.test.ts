import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { runInProcess } from '../../cli/test-support/run-in-process.js';
import { storeAttestedAgent } from '../../api/testing/harness.js';
import { startConsoleHarness, type ConsoleHarness } from './console-api.test-support.js';

let c: ConsoleHarness;
before(async () => {
  c = await startConsoleHarness(
    {},
    {
      now: () => Date.parse('2026-01-02T03:05:05Z'),
      federation: { refreshStatus: () => [{ trustDomain: 'other.org', lastAttempt: Date.parse('2026-01-02T03:04:30Z'), lastError: 'fetch failed', nextRefresh: Date.parse('2026-01-02T03:09:30Z') }] },
    },
  );
});
after(async () => c.close());

const cli = (args: string[], stdin?: string) => runInProcess([...args, '-socketPath', c.h.socketPath], { ...(stdin !== undefined ? { stdin } : {}) });

test('GET /bundle/local equals `bundle show -format pem|spiffe`, with a download name on request', async () => {
  for (const format of ['pem', 'spiffe']) {
    const shown = await cli(['bundle', 'show', '-format', format]);
    assert.equal(shown.code, 0, shown.stderr);
    const res = await c.req('GET', '/bundle/local', undefined, { query: `format=${format}&download=1` });
    assert.equal(res.status, 200);
    assert.equal(res.text, shown.stdout);
    assert.equal(res.headers?.['Content-Disposition'], `attachment; filename="bundle.${format === 'pem' ? 'pem' : 'json'}"`);
  }
  const bad = await c.req('GET', '/bundle/local', undefined, { query: 'format=der' });
  assert.deepEqual(bad.json, { error: { code: 'INVALID_ARGUMENT', message: 'invalid format: "der"' } });
});

test('POST /entries/parse reads the `entry create -data` format, with the CLI errors as 400', async () => {
  const file = JSON.stringify({ entries: [{ spiffe_id: 'spiffe://example.org/w', parent_id: 'spiffe://example.org/node', selectors: [{ type: 'unix', value: 'uid:1' }], x509_svid_ttl: 60 }] });
  const ok = await c.req('POST', '/entries/parse', { data: file });
  assert.equal(ok.status, 200);
  const [e] = (ok.json as { entries: Record<string, unknown>[] }).entries;
  assert.deepEqual(e!.spiffe_id, { trust_domain: 'example.org', path: '/w' });
  assert.equal(e!.x509_svid_ttl, 60);
  assert.equal(e!.expires_at, '0');
  for (const data of ['{"entries": [', '{"entries": [{"spiffe_id": "spiffe://example.org/w", "parent_id": "nope"}]}', '{"entries": 3}']) {
    const r = await cli(['entry', 'create', '-data', '-'], data);
    assert.notEqual(r.code, 0);
    const res = await c.req('POST', '/entries/parse', { data });
    assert.equal(res.status, 400);
    const message = (res.json as { error: { code: string; message: string } }).error.message;
    assert.equal(r.stderr, `Error: ${message}\n`);
  }
});

test('POST /bundle/federated sets a bundle as `bundle set` does, with its messages', async () => {
  const pem = (await cli(['bundle', 'show'])).stdout;
  const res = await c.req('POST', '/bundle/federated', { id: 'spiffe://other.org', format: 'pem', bundle: pem });
  assert.deepEqual(res, { status: 200, json: { trustDomain: 'other.org' } });
  const listed = await cli(['bundle', 'list', '-id', 'spiffe://other.org']);
  assert.equal(listed.stdout, pem);
  const bad = await c.req('POST', '/bundle/federated', { id: 'spiffe://other.org', format: 'pem', bundle: 'nothing' });
  const r = await cli(['bundle', 'set', '-id', 'spiffe://other.org'], 'nothing');
  assert.equal(bad.status, 400);
  assert.equal(r.stderr, `Error: ${(bad.json as { error: { message: string } }).error.message}\n`);
});

test('POST /agents/purge deletes agents whose SVID expired long enough ago; dryRun only lists them', async () => {
  await storeAttestedAgent(c.h.ds, 'spiffe://example.org/spire/agent/x509pop/current', '10');
  await c.h.ds.createAttestedNode({
    spiffeId: 'spiffe://example.org/spire/agent/x509pop/old',
    attestationDataType: 'x509pop',
    certSerialNumber: '11',
    certNotAfter: Math.floor(Date.parse('2025-01-01T00:00:00Z') / 1000),
    newCertSerialNumber: '',
    newCertNotAfter: 0,
    canReattest: true,
    agentVersion: '',
    selectors: [],
  });
  const dry = await c.req('POST', '/agents/purge', { dryRun: true });
  assert.deepEqual(dry, { status: 200, json: { purged: ['spiffe://example.org/spire/agent/x509pop/old'], failed: [] } });
  assert.deepEqual((await c.req('POST', '/rpc/agent/CountAgents', {})).json, { count: 2 });
  const done = await c.req('POST', '/agents/purge', { expiredFor: '24h' });
  assert.deepEqual(done, { status: 200, json: { purged: ['spiffe://example.org/spire/agent/x509pop/old'], failed: [] } });
  assert.deepEqual((await c.req('POST', '/rpc/agent/CountAgents', {})).json, { count: 1 });
  const bad = await c.req('POST', '/agents/purge', { expiredFor: 'soon' });
  assert.equal(bad.status, 400);
});

test('GET /server reports version, uptime, health and counts; /federation/status the refresher state', async () => {
  const res = await c.req('GET', '/server');
  assert.equal(res.status, 200, JSON.stringify(res.json));
  const s = res.json as Record<string, unknown>;
  assert.equal(s.trustDomain, 'example.org');
  assert.equal(s.startedAt, '2026-01-02T03:04:05Z');
  assert.equal(s.uptimeSeconds, 60);
  assert.deepEqual(s.health, { live: true, ready: true });
  assert.deepEqual(Object.keys(s.counts as object), ['entries', 'agents', 'federatedBundles']);
  const fed = await c.req('GET', '/federation/status');
  assert.deepEqual(fed.json, [{ trustDomain: 'other.org', lastAttempt: '2026-01-02T03:04:30Z', lastError: 'fetch failed', nextRefresh: '2026-01-02T03:09:30Z' }]);
  assert.deepEqual(await c.req('GET', '/nothing'), { status: 404, json: { error: { code: 'NOT_FOUND', message: 'no such console endpoint' } } });
});
