import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TrustDomain } from '../../spiffeid/index.js';
import { validatePlugins } from '../catalog.js';
import type { PluginConfig } from '../../config/plugin-config.js';

const core = { trustDomain: TrustDomain.parse('example.org'), dataDir: '/tmp' };
const ext = (extra: Partial<PluginConfig>): PluginConfig => ({ type: 'KeyManager', name: 'ext', enabled: true, data: {}, dataText: '', pluginCmd: '/bin/true', ...extra });

describe('validatePlugins and external plugins', () => {
  it('reports a malformed plugin_checksum without starting anything', async () => {
    const { problems } = await validatePlugins([ext({ pluginChecksum: 'xyz' }), ext({ type: 'NodeAttestor', name: 'n', pluginChecksum: 'abcd' })], core, []);
    assert.ok(problems.includes('plugin KeyManager "ext": plugin_checksum: checksum is not a valid hex string'), problems.join('\n'));
    assert.ok(problems.includes('plugin NodeAttestor "n": plugin_checksum: expected checksum of length 64; got 4'), problems.join('\n'));
  });

  it('accepts a well-formed checksum and refuses an external DataStore', async () => {
    const { problems } = await validatePlugins([ext({ pluginChecksum: 'ab'.repeat(32) }), ext({ type: 'DataStore', name: 'sql' })], core, []);
    assert.equal(problems.some((p) => p.includes('plugin_checksum')), false);
    assert.ok(problems.includes('pluggability for the DataStore is not supported; only the built-in "sql" plugin can be used'));
  });
});
