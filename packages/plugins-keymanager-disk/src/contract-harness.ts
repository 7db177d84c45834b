import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KeyManager } from '@spire-ts/core/plugin';
import { startDescriptorForTest, type ServedAs } from '@spire-ts/plugin-sdk/testing';

/**
 * The KeyManager contract harness of the disk plugin (test support, not shipped behaviour): a
 * fresh keys file in a temporary directory, the plugin made in process or served externally
 * through plugin_cmd. `close` stops the plugin and removes the directory.
 */
export function diskContractSetup(servedAs: ServedAs): () => Promise<{ km: KeyManager; close(): Promise<void> }> {
  return async () => {
    const dir = await mkdtemp(join(tmpdir(), 'km-disk-contract-'));
    const started = await startDescriptorForTest<KeyManager>(servedAs, import.meta.resolve('./index.js'), 'diskKeyManager', {
      data: { keys_path: join(dir, 'keys.json') },
    });
    return {
      km: started.plugin,
      close: async () => {
        await started.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  };
}
