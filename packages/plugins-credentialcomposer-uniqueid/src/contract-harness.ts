import type { CredentialComposer } from '@spire-ts/core/plugin';
import { startDescriptorForTest, type ServedAs } from '@spire-ts/plugin-sdk/testing';

/**
 * The CredentialComposer contract harness of the uniqueid plugin (test support, not shipped
 * behaviour): the plugin made in process or served externally through plugin_cmd.
 */
export function uniqueidContractSetup(servedAs: ServedAs): () => Promise<{ cc: CredentialComposer; close(): Promise<void> }> {
  return async () => {
    const started = await startDescriptorForTest<CredentialComposer>(servedAs, import.meta.resolve('./index.js'), 'uniqueidCredentialComposer');
    return { cc: started.plugin, close: () => started.close() };
  };
}
