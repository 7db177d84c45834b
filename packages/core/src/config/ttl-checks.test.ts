import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseServerConfigText } from './load.js';
import { formatProblem } from './problem.js';
import { minimalConfig } from './test-support.js';
import { printDuration, ttlWarning } from './ttl-checks.js';

const H = 3_600_000;

test('printDuration drops zero minutes and seconds as SPIRE does', () => {
  assert.equal(printDuration(4 * H), '4h');
  assert.equal(printDuration(90 * 60_000), '1h30m');
  assert.equal(printDuration(61_500), '1m1s');
  assert.equal(printDuration(168 * H), '168h');
});

test('no warning when the CA TTL covers the SVID TTL', () => {
  assert.equal(ttlWarning('default_x509_svid_ttl', 24 * H, 4 * H), undefined);
});

test('the three SPIRE warnings', () => {
  assert.equal(
    ttlWarning('default_x509_svid_ttl', 24 * H, 6 * H),
    'default_x509_svid_ttl is too high for the configured ca_ttl value. SVIDs with shorter lifetimes may be issued. Please set default_x509_svid_ttl to 4h or less, or the ca_ttl to 36h or more, to guarantee the full default_x509_svid_ttl lifetime when CA rotations are scheduled.',
  );
  assert.equal(
    ttlWarning('agent_ttl', 24 * H, 200 * H),
    'agent_ttl is too high and the ca_ttl is too low. SVIDs with shorter lifetimes may be issued. Please set agent_ttl to 168h or less, and the ca_ttl to 1008h or more, to guarantee the full agent_ttl lifetime when CA rotations are scheduled.',
  );
  assert.equal(
    ttlWarning('agent_ttl', 2000 * H, 200 * H),
    'agent_ttl is too high. SVIDs with shorter lifetimes may be issued. Please set agent_ttl to 168h or less to guarantee the full agent_ttl lifetime when CA rotations are scheduled.',
  );
});

test('the loader reports TTL warnings against the option, and still returns the config', () => {
  const r = parseServerConfigText(minimalConfig('default_x509_svid_ttl = "6h"'), { filename: 'server.conf' });
  assert.ok(r.config);
  assert.deepEqual(r.warnings.map(formatProblem), [`server.conf:4: server.default_x509_svid_ttl: ${ttlWarning('default_x509_svid_ttl', 24 * H, 6 * H)}`]);
});
