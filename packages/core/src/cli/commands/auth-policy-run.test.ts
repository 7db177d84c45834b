import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { defaultPolicyData } from '../../authpolicy/default-policy-data.js';
import { OUR_DEFAULT_POLICY_REGO, writePolicyFiles } from '../../authpolicy/test-support.js';
import { BIN, runCli } from '../test-support/run-cli.js';

const LIST_ENTRIES = '/spire.api.server.entry.v1.Entry/ListEntries';

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

test('a real `spire-server run` enforces policy_data_path: ListEntries denied on the admin socket, CountEntries still allowed', async () => {
  const data = defaultPolicyData();
  data.apis = data.apis.filter((a) => a.full_method !== LIST_ENTRIES);
  const dir = writePolicyFiles({
    'policy.rego': OUR_DEFAULT_POLICY_REGO,
    'policy_data.json': data,
    'server.conf': `server {
  trust_domain = "example.org"
  data_dir = "./data"
  socket_path = "./sock/api.sock"
  bind_address = "127.0.0.1"
  bind_port = ${await freePort()}
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
}
`,
  });
  const p = spawn(process.execPath, [BIN, 'run', '-config', 'server.conf'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const exited = new Promise<number | null>((r) => p.on('exit', (code) => r(code)));
  try {
    await new Promise<void>((resolve, reject) => {
      const onData = (d: Buffer) => {
        log += d.toString();
        if (log.includes('msg="Server started"')) resolve();
      };
      p.stdout.on('data', onData);
      p.stderr.on('data', onData);
      void exited.then(() => reject(new Error(`server exited early:\n${log}`)));
    });
    const socket = join(dir, 'sock', 'api.sock');
    const show = await runCli(['entry', 'show', '-socketPath', socket]);
    assert.equal(show.code, 1);
    assert.equal(show.stderr, `Error: error fetching entries: rpc error: code = PermissionDenied desc = authorization denied for method ${LIST_ENTRIES}\n`);
    const count = await runCli(['entry', 'count', '-socketPath', socket]);
    assert.equal(count.stdout, '0 registration entries\n');
    assert.equal(count.code, 0);
  } finally {
    p.kill('SIGTERM');
    await exited;
  }
});
