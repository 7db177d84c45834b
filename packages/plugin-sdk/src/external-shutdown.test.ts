import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { Catalog, ExternalPlugins, createServiceContainer, type PluginConfig, type ServiceContainer } from '@spire-ts/core/ca-testing';
import { Code, KEY_MANAGER, NODE_ATTESTORS, TrustDomain } from './index.js';

import { captureLog, eventually, processGone } from './test-support/capture-log.js';
import { testPluginPath } from './test-plugins/paths.js';
import { TEST_BUILTINS } from './testing.js';


const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');

function external(type: string, name: string, plugin: string, dataText = ''): PluginConfig {
  const path = testPluginPath(plugin);
  return { type, name, enabled: true, data: {}, dataText, pluginCmd: path, pluginChecksum: sha(path) };
}

const datastore: PluginConfig = { type: 'DataStore', name: 'sql', enabled: true, data: {}, dataText: '' };


function pidsFrom(records: Record<string, unknown>[]): number[] {
  return records.filter((r) => r.msg === 'Plugin handshake received').map((r) => Number(r.plugin_pid));
}

async function load(
  configs: PluginConfig[],
  log: ReturnType<typeof captureLog>['log'],
  externals = new ExternalPlugins({ startTimeoutMs: 10_000 }),
  container: ServiceContainer = createServiceContainer(),
) {
  return Catalog.load(configs, container, {
    core: { trustDomain: TrustDomain.parse('example.org'), dataDir: process.cwd() },
    log,
    host: {},
    externalLoader: externals.loader,
    builtins: TEST_BUILTINS,
  });
}

describe('plugin processes on shutdown', () => {
  it('stops every plugin process when the catalog closes', async () => {
    const { log, records } = captureLog();
    const catalog = await load(
      [
        datastore,
        external('KeyManager', 'km', 'keymanager-plugin'),
        external('NodeAttestor', 'na', 'nodeattestor-plugin', 'shared_secret = "x"'),
        external('Notifier', 'probe', 'notifier-plugin', 'path = "/dev/null"'),
      ],
      log,
    );
    const pids = pidsFrom(records);
    assert.equal(pids.length, 3);
    for (const pid of pids) assert.equal(processGone(pid), false);
    await catalog.close();
    for (const pid of pids) assert.ok(processGone(pid), `plugin process ${pid} outlived the catalog`);
    // Stopped through the controller, not killed.
    assert.equal(records.filter((r) => r.msg === 'Plugin failed to exit gracefully; killing it').length, 0);
    assert.equal(records.filter((r) => r.msg === 'Plugin process exited unexpectedly').length, 0);
  });

  it('leaves no process behind when loading fails halfway', async () => {
    const { log, records } = captureLog();
    await assert.rejects(
      load(
        [
          datastore,
          external('KeyManager', 'km', 'keymanager-plugin'),
          external('NodeAttestor', 'good', 'nodeattestor-plugin', 'shared_secret = "x"'),
          // Loads after "good" (same type, config order) and fails in Configure.
          external('NodeAttestor', 'bad', 'nodeattestor-plugin', ''),
        ],
        log,
      ),
      { code: Code.INVALID_ARGUMENT, message: 'nodeattestor(bad): invalid configuration: shared_secret is required' },
    );
    const pids = pidsFrom(records);
    assert.equal(pids.length, 3);
    assert.ok(await eventually(() => pids.every(processGone), 1000), `left running: ${pids.filter((p) => !processGone(p)).join(', ')}`);
  });

  it('kills a plugin that ignores the shutdown request', async () => {
    const { log, records } = captureLog();
    const externals = new ExternalPlugins({ startTimeoutMs: 10_000, stopTimeoutMs: 300 });
    const catalog = await load([datastore, external('KeyManager', 'km', 'keymanager-plugin')], log, externals);
    const [pid] = pidsFrom(records);
    // Stop the plugin's event loop so it cannot answer Deinit or Shutdown.
    process.kill(pid!, 'SIGSTOP');
    const started = Date.now();
    await catalog.close();
    assert.ok(processGone(pid!));
    assert.ok(Date.now() - started < 3000);
    assert.equal(records.find((r) => r.msg === 'Plugin failed to exit gracefully; killing it')?.level, 40);
  });

  it('leaves no plugin behind when the server itself is killed with SIGKILL', async () => {
    const host = fileURLToPath(new URL('./test-plugins/server-killed-host.js', import.meta.url));
    const out = await new Promise<string>((resolve) => {
      execFile(process.execPath, [host], (_err, stdout) => resolve(stdout));
    });
    const pid = Number(out.trim());
    assert.ok(pid > 0, `no plugin PID printed: ${JSON.stringify(out)}`);
    assert.ok(await eventually(() => processGone(pid), 3000), `plugin ${pid} outlived its killed server`);
  });

  it('keeps the other plugins serving when one plugin process dies', async () => {
    const { log } = captureLog();
    const externals = new ExternalPlugins({ startTimeoutMs: 10_000 });
    const container = createServiceContainer();
    const catalog = await load(
      [
        datastore,
        external('KeyManager', 'km', 'keymanager-plugin', 'crash_on_key_id = "boom"'),
        external('NodeAttestor', 'na', 'nodeattestor-plugin', 'shared_secret = "x"'),
      ],
      log,
      externals,
      container,
    );
    try {
      const km = container.resolve(KEY_MANAGER);
      const [na] = container.resolve(NODE_ATTESTORS);
      await assert.rejects(km.generateKey('boom', 'ec-p256'), { code: Code.UNAVAILABLE });
      assert.ok(await eventually(() => !externals.healthy()));
      const attrs = await na!.attest(Buffer.from('{"name":"still-up"}'), async (nonce) => createHmac('sha256', 'x').update(nonce).digest());
      assert.equal(attrs.spiffeId, 'spiffe://example.org/spire/agent/test_challenge/still-up');
      assert.deepEqual(
        externals.status().map((s) => [s.type, s.running]),
        [
          ['KeyManager', false],
          ['NodeAttestor', true],
        ],
      );
    } finally {
      await catalog.close();
    }
  });
});
