import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writePolicyFiles, OUR_DEFAULT_POLICY_REGO } from '../authpolicy/test-support.js';
import { defaultPolicyData } from '../authpolicy/default-policy-data.js';
import { parseServerConfigText } from '../config/load.js';
import { minimalConfig } from '../config/test-support.js';
import { endpointsDepsFromConfig } from './from-config.js';
import { startHarness, type Harness } from './testing/harness.js';

const LIST_ENTRIES = '/spire.api.server.entry.v1.Entry/ListEntries';
const COUNT_AGENTS = '/spire.api.server.agent.v1.Agent/CountAgents';

/** Starts the in-process endpoints from a server.conf whose policy data is `data`. */
async function harnessWithPolicyData(data: object): Promise<Harness> {
  const dir = writePolicyFiles({ 'policy.rego': OUR_DEFAULT_POLICY_REGO, 'policy_data.json': data });
  const text = minimalConfig(`experimental {
    auth_opa_policy_engine {
      local {
        rego_path = "./policy.rego"
        policy_data_path = "./policy_data.json"
      }
    }
  }`);
  const r = parseServerConfigText(text, { filename: 'server.conf', cwd: dir });
  assert.deepEqual(r.problems, []);
  const fromConfig = endpointsDepsFromConfig(r.config!.server, {} as never);
  const { trustDomain: _td, socketPath: _s, tcp: _t, dataStore: _d, ca: _c, log: _l, ...settings } = fromConfig;
  return startHarness(settings);
}

function withItem(method: string, item: object | undefined): object {
  const apis = defaultPolicyData().apis.filter((a) => a.full_method !== method);
  return { apis: item ? [...apis, { full_method: method, ...item }] : apis };
}

test('a policy_data_path item that takes allow_local and allow_admin off ListEntries denies it on the admin socket', async () => {
  const h = await harnessWithPolicyData(withItem(LIST_ENTRIES, {}));
  try {
    await assert.rejects(h.local('entry').call('ListEntries', {}), { code: 7, details: `authorization denied for method ${LIST_ENTRIES}` });
    // Everything else still follows the default data.
    assert.equal((await h.local('entry').call('CountEntries', {})).count, 0);
  } finally {
    await h.close();
  }
});

test('a policy_data_path item with allow_any lets a caller without an SVID call CountAgents over TLS', async () => {
  const h = await harnessWithPolicyData(withItem(COUNT_AGENTS, { allow_any: true }));
  try {
    assert.equal((await h.tcp('agent').call('CountAgents', {})).count, 0);
    await assert.rejects(h.tcp('agent').call('ListAgents', {}), { code: 7, details: 'authorization denied for method /spire.api.server.agent.v1.Agent/ListAgents' });
  } finally {
    await h.close();
  }
});

test('a policy_data_path without a method denies it even to local callers (the default policy fails closed)', async () => {
  const h = await harnessWithPolicyData(withItem('/spire.api.server.bundle.v1.Bundle/GetBundle', undefined));
  try {
    await assert.rejects(h.local('bundle').call('GetBundle', {}), { code: 7, details: 'authorization denied for method /spire.api.server.bundle.v1.Bundle/GetBundle' });
  } finally {
    await h.close();
  }
});
