import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import type { DataStore } from '../plugins/datastore/contract.js';
import { startHarness, type Harness } from './testing/harness.js';
import { MemoryDataStore } from './testing/memory-datastore.fake.js';

let h: Harness;
let broken = false;
before(async () => {
  const inner = new MemoryDataStore();
  // A store whose entry listing throws a plain TypeError on demand: a bug, not a coded error.
  const ds = new Proxy(inner, {
    get(target, prop, recv) {
      if (prop === 'listRegistrationEntries' && broken) return async () => (null as unknown as { x: () => void }).x();
      return Reflect.get(target, prop, recv) as unknown;
    },
  }) as DataStore;
  h = await startHarness({ dataStore: ds, maxReceiveMessageLength: 64 * 1024, auditLogEnabled: true });
});
after(async () => h.close());

test('an unexpected exception in a handler becomes Internal and the server keeps serving', async () => {
  broken = true;
  try {
    await assert.rejects(h.local('entry').call('ListEntries', {}), (e: { code: number; details: string }) => {
      assert.equal(e.code, 13);
      assert.match(e.details, /^failed to list entries: Cannot read properties of null/);
      return true;
    });
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
    p.stdin.end('Q\n');
    const t = setTimeout(() => p.kill(), 10_000);
    p.on('close', () => {
      clearTimeout(t);
      resolve(out);
    });
  });
}

test('TLS session tickets are disabled: no ticket with TLS 1.3, no resumption with TLS 1.2', { skip: !hasOpenssl && 'openssl not installed' }, async () => {
  const ca = join(tmpdir(), `spire-api-root-${process.pid}.pem`);
  await writeFile(ca, h.ca.root.certPem);
  const base = ['-connect', `127.0.0.1:${h.endpoints.tcpPort}`, '-CAfile', ca, '-alpn', 'h2'];
  const s13 = join(tmpdir(), `spire-api-sess13-${process.pid}.pem`);
  const out13 = await sClient([...base, '-tls1_3', '-sess_out', s13]);
  assert.match(out13, /Verify return code: 0 \(ok\)/);
  assert.ok(!existsSync(s13), 'no TLS 1.3 session ticket was issued');
  const s12 = join(tmpdir(), `spire-api-sess12-${process.pid}.pem`);
  const first = await sClient([...base, '-tls1_2', '-sess_out', s12]);
  assert.doesNotMatch(first, /TLS session ticket:/);
  const second = await sClient([...base, '-tls1_2', '-sess_in', s12]);
  assert.match(second, /New, TLSv1\.2/);
  assert.doesNotMatch(second, /Reused/);
});
