import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseServerConfigText } from './load.js';
import { formatProblem } from './problem.js';

// SPIRE's own sample configs are read from an extracted upstream tree when one is present; they
// are not copied into this repository. every-option.test.ts covers the same constructs without it.
const UPSTREAM = process.env.SPIRE_UPSTREAM_DIR ?? '/tmp/up/spire';
const present = existsSync(join(UPSTREAM, 'conf', 'server'));
const why = `upstream SPIRE sources not found at ${UPSTREAM} (set SPIRE_UPSTREAM_DIR)`;

for (const name of ['server.conf', 'server_full.conf', 'server_container.conf']) {
  test(`SPIRE's conf/server/${name} reads without problems`, (t) => {
    if (!present) {
      t.skip(why);
      return;
    }
    const path = join(UPSTREAM, 'conf', 'server', name);
    const r = parseServerConfigText(readFileSync(path, 'utf8'), { filename: path, cwd: UPSTREAM });
    assert.deepEqual(r.problems.map(formatProblem), []);
    assert.ok(r.config);
    assert.equal(r.config.server.trustDomain.name, 'example.org');
    assert.ok(r.config.plugins.some((p) => p.type === 'DataStore' && p.name === 'sql'));
  });
}

test("the sample configuration in SPIRE's server reference reads without problems", (t) => {
  if (!present) {
    t.skip(why);
    return;
  }
  const doc = readFileSync(join(UPSTREAM, 'doc', 'spire_server.md'), 'utf8');
  const section = doc.slice(doc.indexOf('## Sample configuration file'));
  const m = /```hcl\n([\s\S]*?)```/.exec(section);
  assert.ok(m, 'sample block not found in doc/spire_server.md');
  // Its Prometheus tls block (use_spire_svid) reads too.
  const r = parseServerConfigText(m[1]!, { filename: 'spire_server.md', cwd: '/' });
  assert.deepEqual(r.problems.map(formatProblem), []);
  assert.equal(r.config?.telemetry.prometheus?.tls?.useSpireSvid, true);
  assert.deepEqual(r.config?.server.caSubject, { country: ['US'], organization: ['SPIRE'], commonName: '' });
  assert.equal(r.config?.telemetry.prometheus?.port, 1234);
  assert.deepEqual(
    r.config?.plugins.map((p) => p.name),
    ['sql', 'join_token', 'disk'],
  );
});

test("the telemetry and federation examples in SPIRE's docs read without problems", (t) => {
  if (!present) {
    t.skip(why);
    return;
  }
  const tele = readFileSync(join(UPSTREAM, 'doc', 'telemetry', 'telemetry_config.md'), 'utf8');
  const teleBlock = /```hcl\n([\s\S]*?)```/.exec(tele)?.[1];
  const doc = readFileSync(join(UPSTREAM, 'doc', 'spire_server.md'), 'utf8');
  const fed = /```hcl\n(server \{\n\s+\.\n[\s\S]*?)```/.exec(doc)?.[1]?.replace(/^\s+\.\n/gm, '');
  const health = /```hcl\n(health_checks \{[\s\S]*?)```/.exec(doc)?.[1];
  assert.ok(teleBlock && fed && health);
  const text = `${fed.replace('server {', 'server {\n  trust_domain = "example.org"\n  data_dir = "/d"')}\n${teleBlock}\n${health}\nplugins {}\n`;
  // The sample shows every sink; only M3 is refused, by its key (no maintained Node client).
  const refused = parseServerConfigText(text, { filename: 'docs', cwd: '/' });
  assert.deepEqual(
    refused.problems.map((p) => p.option),
    ['telemetry.M3'],
  );
  const r = parseServerConfigText(text.replace(/^\s*M3 = \[\n[\s\S]*?\]\n/m, '\n'), { filename: 'docs', cwd: '/' });
  assert.deepEqual(r.problems.map(formatProblem), []);
  const parsed = r.config?.telemetry;
  assert.deepEqual(parsed?.prometheus, { host: 'localhost', port: 9988, tls: { useSpireSvid: true, authorizedSpiffeIds: ['spiffe://example.org/monitoring/prometheus'] } });
  assert.deepEqual(parsed?.dogStatsd, [{ address: 'localhost:8125' }]);
  assert.deepEqual(parsed?.statsd, [{ address: 'localhost:1337' }, { address: 'collector.example.org:8125' }]);
  assert.deepEqual([parsed?.m3, parsed?.inMem, parsed?.allowedLabels], [[], true, []]);
  assert.deepEqual(r.config?.healthChecks.bindPort, 8080);
  assert.deepEqual(
    r.config?.server.federation.federatesWith.map((f) => f.profile.type),
    ['https_web', 'https_spiffe'],
  );
});
