import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ExternalPlugins, type PluginConfig } from '@spire-ts/core/ca-testing';

import { Code, silentLogger, type PluginType } from './index.js';
import { captureLog, eventually, processGone } from './test-support/capture-log.js';
import { testPluginPath } from './test-plugins/paths.js';


function decl(type: PluginType, name: string, plugin: string, dataText: string): PluginConfig & { type: PluginType } {
  const path = testPluginPath(plugin);
  return { type, name, enabled: true, data: {}, dataText, pluginCmd: path, pluginChecksum: createHash('sha256').update(readFileSync(path)).digest('hex') };
}

describe('validating an external plugin (spire-server validate)', () => {
  it('returns the plugin’s own notes and stops it', async () => {
    const { log, records } = captureLog();
    const externals = new ExternalPlugins({ startTimeoutMs: 10_000 });
    const notes = await externals.validate(decl('NodeAttestor', 'na', 'nodeattestor-plugin', 'agent_store_check = "yes"\nextra = 1'), {
      trustDomain: 'example.org',
      host: {},
      log,
    });
    assert.deepEqual(notes, ['shared_secret is required', 'agent_store_check must be a boolean', 'unknown option extra']);
    const pid = Number(records.find((r) => r.msg === 'Plugin process started')?.plugin_pid);
    assert.ok(await eventually(() => processGone(pid)));
    assert.equal(records.some((r) => r.msg === 'Configured plugin'), false);
  });

  it('returns no notes for a good configuration', async () => {
    const externals = new ExternalPlugins({ startTimeoutMs: 10_000 });
    assert.deepEqual(
      await externals.validate(decl('NodeAttestor', 'na', 'nodeattestor-plugin', 'shared_secret = "x"'), { trustDomain: 'example.org', host: {}, log: silentLogger() }),
      [],
    );
  });

  it('throws, prefixed, when the plugin cannot start', async () => {
    const externals = new ExternalPlugins({ startTimeoutMs: 10_000 });
    await assert.rejects(
      externals.validate({ ...decl('KeyManager', 'km', 'keymanager-plugin', ''), pluginChecksum: '0'.repeat(64) }, { trustDomain: 'example.org', host: {}, log: silentLogger() }),
      (err: { code: number; message: string }) => {
        assert.equal(err.code, Code.FAILED_PRECONDITION);
        assert.match(err.message, /^keymanager\(km\): failed to launch plugin: checksums did not match/);
        return true;
      },
    );
  });
});
