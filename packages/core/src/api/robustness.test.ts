import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import type { DataStore } from '../plugins/datastore/contract.js';
import { startHarness, type Harness } from './testing/harness.js';

let h: Harness;
let broken = false;
// The test store, wrapped so that its entry listing throws a plain TypeError on demand: a bug, not
// a coded error.
function breakable(inner: DataStore): DataStore {
  return new Proxy(inner, {
    get(target, prop, recv) {
      if (prop === 'listRegistrationEntries' && broken) return async () => (null as unknown as { x: () => void }).x();
      // An unpaged, unfiltered ListEntries reads through the scan.
      if (prop === 'scanRegistrationEntries' && broken) {
        return () =>
          (async function* () {
            yield (null as unknown as { x: () => never[] }).x();
          })();
      }
      return Reflect.get(target, prop, recv) as unknown;
    },
  });
}

before(async () => {
  h = await startHarness({ wrapDataStore: breakable, maxReceiveMessageLength: 64 * 1024, auditLogEnabled: true });
});
after(async () => h.close());

test('an unexpected exception in a handler becomes Internal and the server keeps serving', async () => {
  broken = true;
  try {
    for (const req of [{}, { filter: { by_hint: { value: 'h' } } }, { page_size: 10 }]) {
      await assert.rejects(h.local('entry').call('ListEntries', req), (e: { code: number; details: string }) => {
        assert.equal(e.code, 13);
        assert.match(e.details, /^failed to list entries: Cannot read properties of null/);
        return true;
      });
    }
  } finally {
    broken = false;
  }
  assert.ok(Array.isArray((await h.local('entry').call('ListEntries', {})).entries));
});

test('oversized messages get ResourceExhausted', async () => {
  const big = 'x'.repeat(100 * 1024);
  await assert.rejects(h.local('entry').call('GetEntry', { id: big }), { code: 8 });
});

test('unknown enum values are InvalidArgument', async () => {
  await assert.rejects(h.local('logger').call('SetLogLevel', { new_level: 99 }), { code: 3, details: 'unsupported log level' });
  await assert.rejects(h.local('entry').call('CountEntries', { filter: { by_federates_with: { trust_domains: ['a.org'], match: 12 } } }), {
    code: 3,
    details: 'malformed federates with filter: unknown match behavior 12',
  });
});

test('the audit log records caller, method, request fields and status per item', async () => {
  h.logs.lines.length = 0;
  await h.local('entry').call('BatchCreateEntry', {
    entries: [
      { spiffe_id: { trust_domain: 'example.org', path: '/aud' }, parent_id: { trust_domain: 'example.org', path: '/p' }, selectors: [{ type: 'a', value: 'b' }] },
      { spiffe_id: { trust_domain: 'example.org', path: '/aud2' }, parent_id: { trust_domain: 'example.org', path: '/p' }, selectors: [] },
    ],
  });
  await assert.rejects(h.tcp('entry').call('ListEntries', {}));
  await h.local('agent').call('CreateJoinToken', { ttl: 60, token: 'secret-token' });
  const audit = h.logs.audit();
  const items = audit.filter((l) => l.method === '/spire.api.server.entry.v1.Entry/BatchCreateEntry');
  assert.equal(items.length, 2);
  assert.equal(items[0]!.status, 'success');
  assert.equal(items[0]!.spiffe_id, 'spiffe://example.org/aud');
  assert.equal(items[0]!.caller_local, true);
  assert.equal(items[1]!.status, 'error');
  assert.equal(items[1]!.status_code, 'InvalidArgument');
  assert.equal(items[1]!.status_message, 'failed to convert entry: selector list is empty');
  assert.equal(items[0]!.request_id, items[1]!.request_id, 'one request ID per call');
  const denied = audit.find((l) => l.method === '/spire.api.server.entry.v1.Entry/ListEntries' && l.status === 'error');
  assert.ok(denied);
  assert.equal(denied.status_code, 'PermissionDenied');
  assert.equal(denied.caller_addr, '127.0.0.1');
  const token = audit.find((l) => l.method === '/spire.api.server.agent.v1.Agent/CreateJoinToken');
  assert.ok(token);
  assert.equal(token.ttl, 60);
  assert.ok(!JSON.stringify(audit).includes('secret-token'), 'join tokens are not written to the audit log');
});

const hasOpenssl = spawnSync('openssl', ['version']).status === 0;

function sClient(args: string[]): Promise<string> {
  return new Promise((resolve) => {
    const p = spawn('openssl', ['s_client', ...args]);
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (out += d.toString()));
    // Stay connected a moment so TLS 1.3 post-handshake messages (tickets) can arrive.
    const q = setTimeout(() => p.stdin.end('Q\n'), 700);
    const t = setTimeout(() => p.kill(), 10_000);
    p.on('close', () => {
      clearTimeout(q);
      clearTimeout(t);
      resolve(out);
    });
  });
}

test('TLS sessions are never resumed: no TLS 1.2 session tickets, no TLS 1.2 or 1.3 resumption', { skip: !hasOpenssl && 'openssl not installed' }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'spire-api-tls-'));
  try {
    const ca = join(dir, 'root.pem');
    await writeFile(ca, h.ca.root.certPem);
    const base = ['-connect', `127.0.0.1:${h.endpoints.tcpPort}`, '-CAfile', ca, '-alpn', 'h2'];
    for (const v of ['1_2', '1_3']) {
      const sess = join(dir, `sess${v}.pem`);
      const first = await sClient([...base, `-tls${v}`, '-sess_out', sess]);
      assert.match(first, /Verify return code: 0 \(ok\)/);
      // TLS 1.2: no ticket at all. TLS 1.3: OpenSSL still sends session IDs in NewSessionTicket
      // messages (Node cannot set num_tickets to 0), but keeps no session cache, so none resumes.
      if (v === '1_2') assert.doesNotMatch(first, /TLS session ticket:/, 'no TLS 1.2 session ticket');
      if (!existsSync(sess)) continue;
      const second = await sClient([...base, `-tls${v}`, '-sess_in', sess]);
      assert.match(second, /New, TLSv1\.[23]/, `TLS ${v}: a fresh handshake`);
      assert.doesNotMatch(second, /Reused/, `TLS ${v}: the session was not resumed`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
