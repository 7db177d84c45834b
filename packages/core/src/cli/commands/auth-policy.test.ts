import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PolicyProblems } from '../../authpolicy/errors.js';
import { OUR_DEFAULT_POLICY_REGO, writePolicyFiles } from '../../authpolicy/test-support.js';
import { runCli } from '../test-support/run-cli.js';

const CUSTOM_REGO = `${OUR_DEFAULT_POLICY_REGO}\nallow = true if { input.caller == "spiffe://example.org/ops" }\n`;

function confDir(rego: string): string {
  return writePolicyFiles({
    'policy.rego': rego,
    'policy_data.json': { apis: [] },
    'server.conf': `server {
  trust_domain = "example.org"
  data_dir = "./data"
  socket_path = "./api.sock"
  experimental {
    auth_opa_policy_engine {
      local {
        rego_path = "./policy.rego"
        policy_data_path = "./policy_data.json"
      }
    }
  }
}
plugins {
  DataStore "sql" { plugin_data { database_type = "sqlite3" connection_string = "./data/datastore.sqlite3" } }
  KeyManager "memory" {}
  NodeAttestor "join_token" {}
}
`,
  });
}

const PROBLEM = `server.conf:8: server.experimental.auth_opa_policy_engine.local.rego_path: ${PolicyProblems.notDefaultRego('./policy.rego', `line ${OUR_DEFAULT_POLICY_REGO.split('\n').length + 1}: "allow" is defined a second time`)}`;

test('validate refuses a Rego policy other than the default, saying there is no Rego engine and what to use instead', async () => {
  const dir = confDir(CUSTOM_REGO);
  const r = await runCli(['validate', '-config', 'server.conf'], { cwd: dir });
  assert.equal(r.code, 1);
  assert.ok(r.stderr.includes(PROBLEM), r.stderr);
  assert.match(PROBLEM, /no Rego engine is available for JavaScript.*point rego_path at the default policy.rego and write the policy in policy_data_path instead/);
});

test('run refuses a Rego policy other than the default before it writes anything', async () => {
  const dir = confDir(CUSTOM_REGO);
  const r = await runCli(['run', '-config', 'server.conf'], { cwd: dir });
  assert.equal(r.code, 1);
  assert.ok(r.stderr.includes(PROBLEM), r.stderr);
  assert.equal(existsSync(join(dir, 'data')), false);
});

test('validate accepts the default policy.rego with policy data', async () => {
  const r = await runCli(['validate', '-config', 'server.conf'], { cwd: confDir(OUR_DEFAULT_POLICY_REGO) });
  assert.equal(r.stderr, '');
  assert.equal(r.stdout, 'SPIRE server configuration file is valid.\n');
  assert.equal(r.code, 0);
});
