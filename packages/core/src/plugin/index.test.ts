import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as pluginApi from './index.js';
import * as pluginTesting from './testing/index.js';

describe('@spire-ts/core/plugin', () => {
  it('holds what a plugin needs and none of the kernel', () => {
    for (const name of ['Code', 'SpireError', 'TrustDomain', 'SpiffeId', 'silentLogger', 'ConfigReader', 'PathTemplate', 'agentIdFromTemplate', 'defineDataStore', 'defineKeyManager', 'defineNodeAttestor', 'defineUpstreamAuthority', 'defineNotifier', 'defineBundlePublisher', 'defineCredentialComposer', 'InProcessKeyManager', 'wire']) {
      assert.equal(name in pluginApi, true, `${name} is missing`);
    }
    for (const name of ['Catalog', 'CAManager', 'ServerCA', 'startCAService', 'PLUGIN_TYPE_INFO', 'ExternalPlugins', 'SpireServer', 'api', 'createLogger', 'parseServerConfigText']) {
      assert.equal(name in pluginApi, false, `${name} is exported`);
    }
  });

  it('has a testing entry with the seven contract suites and no CA test support', () => {
    for (const name of ['runDataStoreContract', 'runKeyManagerContract', 'runNodeAttestorContract', 'runUpstreamAuthorityContract', 'runNotifierContract', 'runBundlePublisherContract', 'runCredentialComposerContract', 'loadPluginForTest']) {
      assert.equal(typeof (pluginTesting as Record<string, unknown>)[name], 'function', `${name} is missing`);
    }
    for (const name of ['FakeCADataStore', 'InlineSigningPool', 'opensslVerify', 'Catalog']) {
      assert.equal(name in pluginTesting, false, `${name} is exported`);
    }
  });
});
