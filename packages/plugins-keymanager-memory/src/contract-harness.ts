import type { KeyManager } from '@spire-ts/core/plugin';
import { startDescriptorForTest, type ServedAs } from '@spire-ts/plugin-sdk/testing';

/**
 * The KeyManager contract harness of the memory plugin (test support, not shipped behaviour): the
 * plugin made in process or served externally through plugin_cmd.
 */
export function memoryContractSetup(servedAs: ServedAs): () => Promise<{ km: KeyManager; close(): Promise<void> }> {
  return async () => {
    const started = await startDescriptorForTest<KeyManager>(servedAs, import.meta.resolve('./index.js'), 'memoryKeyManager');
    return { km: started.plugin, close: () => started.close() };
  };
}
