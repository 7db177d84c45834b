import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatProblem, optionName } from './problem.js';

test('formatProblem leaves out what is not known', () => {
  assert.equal(formatProblem({ option: 'server.ca_ttl', message: 'invalid duration "6x"', file: 'server.conf', line: 4 }), 'server.conf:4: server.ca_ttl: invalid duration "6x"');
  assert.equal(formatProblem({ option: 'server.ca_ttl', message: 'm', file: 'server.conf' }), 'server.conf: server.ca_ttl: m');
  assert.equal(formatProblem({ option: 'server.trust_domain', message: 'm' }), 'server.trust_domain: m');
  assert.equal(formatProblem({ option: '', message: 'expected x', file: 'f.conf', line: 2, column: 7 }), 'f.conf:2:7: expected x');
  assert.equal(formatProblem({ option: '', message: 'could not find config file' }), 'could not find config file');
});

test('optionName quotes labels that are not identifiers', () => {
  assert.equal(optionName(['server', 'federation', 'federates_with', 'td.test', 'bundle_endpoint_url']), 'server.federation.federates_with["td.test"].bundle_endpoint_url');
  assert.equal(optionName(['plugins', 'KeyManager', 'disk', 'plugin_data']), 'plugins.KeyManager.disk.plugin_data');
  assert.equal(optionName(['telemetry', 'Statsd', 1, 'address']), 'telemetry.Statsd[1].address');
});
