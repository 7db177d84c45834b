import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createHmac } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RpcError, x509popAttestor, type AgentAttestor, type AgentClient } from '../agent/index.js';
import { ServerProcess } from './harness.js';
import { makeX509Ca, makeX509Leaf } from './test-pki.js';

const PERMISSION_DENIED = 7;
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
// The SDK's test NodeAttestor (an HMAC challenge over `shared_secret`), served as a plugin_cmd
// executable; built with the rest of the workspace.
const CHALLENGE_PLUGIN = join(ROOT, 'packages', 'plugin-sdk', 'dist', 'test-plugins', 'nodeattestor-plugin.js');

/** The agent side of the test_challenge NodeAttestor: names itself and answers HMAC(secret, nonce). */
function challengeAttestor(name: string, secret: string): AgentAttestor {
  return {
    type: 'test_challenge',
    payload: () => Buffer.from(JSON.stringify({ name })),
    respond: (nonce) => createHmac('sha256', secret).update(nonce).digest(),
  };
}

describe('plugin reconfiguration on SIGUSR1 (real spire-server run)', { timeout: 180_000 }, () => {
  const server = new ServerProcess();
  const agents: AgentClient[] = [];
  const files = {
    x509pop: () => join(server.dir, 'x509pop.conf'),
    challenge: () => join(server.dir, 'challenge.conf'),
    conf: () => join(server.dir, 'server.conf'),
  };
  let caA = '';
  let caB = '';
  let leafB: ReturnType<typeof makeX509Leaf>;

  const attest = async (a: AgentAttestor) => {
    const agent = await server.agent();
    agents.push(agent);
    return agent.attest(a);
  };
  const denied = (e: unknown) => e instanceof RpcError && e.code === PERMISSION_DENIED;
  const count = (re: RegExp) => server.log().split('\n').filter((l) => re.test(l)).length;
  /** Sends SIGUSR1 and waits for the run it starts to log its last plugin (the external, loaded last). */
  const usr1 = async () => {
    const last = /plugin_name=test_challenge/;
    const before = count(last);
    server.signal('SIGUSR1');
    const deadline = Date.now() + 20_000;
    while (count(last) === before) {
      if (Date.now() > deadline) throw new Error(`no reconfiguration logged:\n${server.log()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    // Everything logged after this signal.
    return server.log().split('\n').slice(-200).join('\n');
  };

  before(async () => {
    const a = join(server.dir, 'ca-a');
    const b = join(server.dir, 'ca-b');
    mkdirSync(a);
    mkdirSync(b);
    caA = makeX509Ca(a).caPath;
    caB = makeX509Ca(b).caPath;
    leafB = makeX509Leaf(b, 'node-b', 'node-b');
    chmodSync(CHALLENGE_PLUGIN, 0o755);
    await server.start({
      files: { 'x509pop.conf': `ca_bundle_path = "${caA}"\n`, 'challenge.conf': 'shared_secret = "s1"\n' },
      extraPlugins: `
  NodeAttestor "x509pop" {
    plugin_data_file = "${server.dir}/x509pop.conf"
  }
  NodeAttestor "test_challenge" {
    plugin_cmd = "${CHALLENGE_PLUGIN}"
    plugin_data_file = "${server.dir}/challenge.conf"
  }`,
    });
  });
  after(async () => {
    for (const a of agents) a.close();
    await server.stop();
  });

  it('an unchanged config is logged as such for every plugin, and nothing changes', async () => {
    const log = await usr1();
    assert.match(log, /msg="Reconfigure signal received"/);
    // Node's own use of SIGUSR1 (starting the inspector) is replaced by the server's handler.
    assert.doesNotMatch(server.log(), /Debugger listening/);
    for (const name of ['disk', 'join_token', 'x509pop', 'test_challenge']) {
      assert.match(log, new RegExp(`msg="Plugin not reconfigured since the config is unchanged" hash=[0-9a-f]{32} plugin_name=${name} `));
    }
    assert.ok((await attest(challengeAttestor('n1', 's1'))).spiffeId.endsWith('/test_challenge/n1'));
  });

  it('changed plugin_data_files reconfigure a built-in and an external plugin: the new config takes effect', async () => {
    await assert.rejects(attest(x509popAttestor([leafB.der], leafB.key)), denied);
    writeFileSync(files.x509pop(), `ca_bundle_path = "${caB}"\n`);
    writeFileSync(files.challenge(), 'shared_secret = "s2"\n');
    const log = await usr1();
    assert.match(log, /msg="Plugin reconfigured" new_hash=[0-9a-f]{32} old_hash=[0-9a-f]{32} plugin_name=x509pop plugin_type=NodeAttestor/);
    assert.match(log, /msg="Plugin reconfigured" new_hash=[0-9a-f]{32} old_hash=[0-9a-f]{32} plugin_name=test_challenge plugin_type=NodeAttestor/);
    assert.match((await attest(x509popAttestor([leafB.der], leafB.key))).spiffeId, /\/spire\/agent\/x509pop\/[0-9a-f]{40}$/);
    await assert.rejects(attest(challengeAttestor('n2', 's1')), denied);
    assert.ok((await attest(challengeAttestor('n3', 's2'))).spiffeId.endsWith('/test_challenge/n3'));
  });

  it('a config the plugin refuses is logged and the old one keeps working', async () => {
    writeFileSync(files.x509pop(), 'agent_path_template = "x"\n');
    writeFileSync(files.challenge(), 'agent_store_check = true\n');
    const log = await usr1();
    assert.match(log, /level=error msg="Failed to reconfigure plugin" error=".*ca_bundle_path.*" plugin_name=x509pop/);
    assert.match(log, /level=error msg="Failed to reconfigure plugin" error=".*shared_secret is required.*" plugin_name=test_challenge/);
    assert.ok((await attest(challengeAttestor('n4', 's2'))).spiffeId.endsWith('/test_challenge/n4'));
    const leaf = makeX509Leaf(join(server.dir, 'ca-b'), 'node-c', 'node-c');
    assert.match((await attest(x509popAttestor([leaf.der], leaf.key))).spiffeId, /\/spire\/agent\/x509pop\//);
  });

  it('the DataStore is refused with a warning, other server.conf changes ask for a restart, and the server keeps serving', async () => {
    const conf = readFileSync(files.conf(), 'utf8')
      .replace('database_type = "sqlite3"', 'database_type = "sqlite3"\n      max_open_conns = 3')
      .replace('trust_domain = ', 'ca_ttl = "48h"\n  trust_domain = ');
    writeFileSync(files.conf(), conf);
    const log = await usr1();
    assert.match(log, /level=warning msg="The DataStore is not reconfigurable; its new configuration is not applied until the server restarts" new_hash=\S+ old_hash=\S+ plugin_name=sql plugin_type=DataStore/);
    assert.match(log, /level=warning msg="Configuration change not applied; restart the server to apply it" change=server.ca_ttl/);
    assert.ok((await server.bundlePem()).includes('BEGIN CERTIFICATE'));
    assert.ok((await attest(challengeAttestor('n5', 's2'))).spiffeId.endsWith('/test_challenge/n5'));
  });

  it('inline plugin_data changed in server.conf reconfigures the plugin', async () => {
    const conf = readFileSync(files.conf(), 'utf8').replace(/NodeAttestor "x509pop" \{\s*plugin_data_file = "[^"]*"\s*\}/, '');
    writeFileSync(files.conf(), conf.replace('NodeAttestor "join_token" {\n    plugin_data {}', 'NodeAttestor "join_token" {\n    plugin_data {\n      unknown_option = 1\n    }'));
    const log = await usr1();
    assert.match(log, /msg="Plugin reconfigured" new_hash=\S+ old_hash=\S+ plugin_name=join_token/);
    assert.match(log, /change="plugins: NodeAttestor \\"x509pop\\" removed"/);
    const token = await server.joinToken();
    const agent = await server.agent();
    agents.push(agent);
    assert.match((await agent.attest({ type: 'join_token', payload: () => Buffer.from(token), respond: () => Buffer.alloc(0) })).spiffeId, /\/spire\/agent\/join_token\//);
  });
});
