import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { KeyManager } from './index.js';
import { loadPluginForTest, writePluginExecutable } from './testing.js';

const dir = mkdtempSync(join(tmpdir(), 'spire-sdk-exe-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('writePluginExecutable', () => {
  it('serves an in-process descriptor as an external plugin', async () => {
    const path = await writePluginExecutable(new URL('./test-plugins/memory-keymanager.js', import.meta.url).href, 'memoryKeyManager', dir);
    const loaded = await loadPluginForTest<KeyManager>({ type: 'KeyManager', name: 'served', path });
    try {
      const k = await loaded.plugin.generateKey('a', 'ec-p256');
      assert.equal(k.fingerprint, createHash('sha256').update(k.pkixData).digest('hex'));
      assert.equal(loaded.externals.status()[0]?.running, true);
    } finally {
      await loaded.close();
    }
  });
});
