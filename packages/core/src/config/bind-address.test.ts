import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadServerConfig } from './load.js';
import { minimalConfig } from './test-support.js';

/** Writes `text` as server.conf in a new temp dir and loads it as run and validate do. */
async function load(text: string, flags: Parameters<typeof loadServerConfig>[0]['flags'] = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'spire-bind-'));
  writeFileSync(join(dir, 'server.conf'), text);
  return loadServerConfig({ path: 'server.conf', cwd: dir, flags });
}

// `.invalid` is reserved (RFC 6761): it never resolves.
const NO_SUCH_HOST = 'could not resolve bind address "nosuch.invalid:8081": lookup nosuch.invalid: no such host';

test('a bind_address that does not resolve is a problem naming the option and its line', async () => {
  const r = await load(minimalConfig('  bind_address = "nosuch.invalid"'));
  assert.equal(r.config, undefined);
  assert.deepEqual(r.problems, [{ option: 'server.bind_address', message: NO_SUCH_HOST, file: 'server.conf', line: 4 }]);
});

test('a -bindAddress that does not resolve is a problem naming the flag', async () => {
  const r = await load(minimalConfig(), { bindAddress: 'nosuch.invalid' });
  assert.equal(r.config, undefined);
  assert.deepEqual(r.problems, [{ option: 'server.bind_address', message: `${NO_SUCH_HOST} (set by -bindAddress)` }]);
});

test('a bind_address that does not resolve is reported with every other problem, in file order', async () => {
  const r = await load('server {\n  bind_address = "nosuch.invalid"\n  bind_port = 9000\n  trust_domain = "Bad Domain"\n  data_dir = "/d"\n}\nplugins {}\n');
  assert.deepEqual(
    r.problems.map((p) => [p.line, p.option, p.message.split(':')[0]]),
    [
      [2, 'server.bind_address', 'could not resolve bind address "nosuch.invalid'],
      [4, 'server.trust_domain', 'could not parse trust_domain "Bad Domain"'],
    ],
  );
  assert.equal(r.problems[0]!.message, 'could not resolve bind address "nosuch.invalid:9000": lookup nosuch.invalid: no such host');
});

test('a host name bind_address is resolved to its address (IPv4 first); an IP is kept, brackets trimmed', async () => {
  const byName = await load(minimalConfig('  bind_address = "localhost"'));
  assert.deepEqual(byName.problems, []);
  assert.equal(byName.config?.server.bindAddress, '127.0.0.1');
  const v6 = await load(minimalConfig('  bind_address = "[::1]"'));
  assert.deepEqual(v6.problems, []);
  assert.equal(v6.config?.server.bindAddress, '::1');
  const any = await load(minimalConfig());
  assert.equal(any.config?.server.bindAddress, '0.0.0.0');
});
