import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as pluginApi from '@spire-ts/core/plugin';
import * as sdk from './index.js';

describe('plugin-sdk exports', () => {
  it('exports the plugin API and its own facade, nothing of the kernel', () => {
    const own = ['decodePluginData', 'pluginLogger', 'serve'];
    const extra = Object.keys(sdk).filter((k) => !(k in pluginApi));
    assert.deepEqual(extra.sort(), own);
    for (const kernel of ['CAManager', 'Catalog', 'startCAService', 'ServerCA', 'PLUGIN_TYPE_INFO', 'api']) {
      assert.equal(kernel in sdk, false, `${kernel} is re-exported`);
    }
  });
});
