import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OUR_DEFAULT_POLICY_REGO, writePolicyFiles } from '../authpolicy/test-support.js';
import { parseServerConfigText } from './load.js';
import { formatProblem } from './problem.js';
import { minimalConfig } from './test-support.js';

function read(engine: string, files: Record<string, string | object> = {}) {
  const cwd = writePolicyFiles(files);
  return parseServerConfigText(minimalConfig(`experimental {\n${engine}\n}`), { filename: 's.conf', cwd });
}

test('auth_opa_policy_engine without a provider is refused, as SPIRE refuses it', () => {
  assert.deepEqual(read('auth_opa_policy_engine {}').problems.map(formatProblem), [
    's.conf:5: server.experimental.auth_opa_policy_engine: policy engine configuration must define a provider',
  ]);
});

test('unreadable policy files and policy data that is not JSON are problems naming their option', () => {
  const missing = read('auth_opa_policy_engine { local { rego_path = "./nope.rego" } }');
  assert.equal(missing.problems.length, 1);
  assert.match(formatProblem(missing.problems[0]!), /^s\.conf:5: server\.experimental\.auth_opa_policy_engine\.local\.rego_path: unable to read "\.\/nope\.rego": ENOENT: no such file or directory, open '.*\/nope\.rego'$/);
  const bad = read('auth_opa_policy_engine { local {\n rego_path = "./p.rego"\n policy_data_path = "./d.json"\n} }', { 'p.rego': OUR_DEFAULT_POLICY_REGO, 'd.json': '{"apis": [' });
  assert.deepEqual(bad.problems.map(formatProblem), [
    `s.conf:7: server.experimental.auth_opa_policy_engine.local.policy_data_path: error decoding JSON databindings: ${jsonError('{"apis": [')}`,
  ]);
});

test('the default policy.rego without policy_data_path is accepted with a warning that every call is denied', () => {
  const r = read('auth_opa_policy_engine { local { rego_path = "./p.rego" } }', { 'p.rego': OUR_DEFAULT_POLICY_REGO });
  assert.deepEqual(r.problems, []);
  assert.deepEqual(r.warnings.map(formatProblem), [
    's.conf:4: server.experimental: Experimental features have been enabled. Please see doc/upgrading.md for upgrade and compatibility considerations for experimental features.',
    's.conf:5: server.experimental.auth_opa_policy_engine.local.policy_data_path: policy data has no "apis" list, so the default policy denies every call',
  ]);
  assert.deepEqual(r.config?.server.experimental.authOpaPolicyEngine?.policy, { apis: [] });
});

function jsonError(text: string): string {
  try {
    JSON.parse(text);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('valid JSON');
}
