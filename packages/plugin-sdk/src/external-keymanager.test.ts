import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { runKeyManagerContract } from '@spire-ts/core/plugin/testing';
import { Code, type KeyManager } from './index.js';
import { testPluginPath } from './test-plugins/paths.js';
import { loadPluginForTest, type LoadedTestPlugin } from './testing.js';

// One plugin process for the whole file: a KeyManager built with this SDK, loaded through
// plugin_cmd by Catalog.load, called over gRPC through the catalog's prefixing wrapper.
let loading: Promise<LoadedTestPlugin<KeyManager>> | undefined;
function shared(): Promise<LoadedTestPlugin<KeyManager>> {
  loading ??= loadPluginForTest<KeyManager>({ type: 'KeyManager', name: 'ext', path: testPluginPath('keymanager-plugin') });
  return loading;
}
after(async () => (await loading)?.close());

runKeyManagerContract('external (plugin_cmd, gRPC)', async () => ({
  km: (await shared()).plugin,
  close: async () => {}, // the file's after() stops the process
}));

describe('external KeyManager: errors over the wire', () => {
  it('reports an unknown key as NOT_FOUND with the plugin prefix, added once', async () => {
    const km = (await shared()).plugin;
    // GetPublicKey answers an unknown key with an empty response, as SPIRE's key managers do;
    // the host reads that as NOT_FOUND with SPIRE's wording.
    await assert.rejects(km.getPublicKey('missing'), { code: Code.NOT_FOUND, message: 'keymanager(ext): key "missing" not found' });
    await assert.rejects(km.signData('missing', Buffer.alloc(32), { hashAlgorithm: 'SHA256' }), {
      code: Code.NOT_FOUND,
      message: 'keymanager(ext): no such key "missing"',
    });
  });

  it('carries the plugin’s INVALID_ARGUMENT and message', async () => {
    const km = (await shared()).plugin;
    await assert.rejects(km.generateKey('', 'ec-p256'), { code: Code.INVALID_ARGUMENT, message: 'keymanager(ext): key id is required' });
    await km.generateKey('short-digest', 'ec-p256');
    await assert.rejects(km.signData('short-digest', createHash('sha256').update('x').digest().subarray(0, 20), { hashAlgorithm: 'SHA256' }), {
      code: Code.INVALID_ARGUMENT,
      message: 'keymanager(ext): unable to sign data: digest is 20 bytes; SHA256 digests are 32 bytes',
    });
  });
});
