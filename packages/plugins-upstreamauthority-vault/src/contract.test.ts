import { runUpstreamAuthorityContract } from '@spire-ts/core/plugin/testing';
import type { UpstreamAuthority } from '@spire-ts/core/plugin';
import { startVaultFixture, type AuthBlock } from '@spire-ts/emulator-vault';
import { startDescriptorForTest, type ServedAs } from '@spire-ts/plugin-sdk/testing';

function contract(servedAs: ServedAs, method: AuthBlock) {
  return async () => {
    const fx = await startVaultFixture();
    const started = await startDescriptorForTest<UpstreamAuthority>(servedAs, import.meta.resolve('./index.js'), 'vaultUpstreamAuthority', { data: fx.pluginData(method) });
    return {
      ua: started.plugin,
      trustDomain: 'example.org',
      close: async () => {
        await started.close();
        await fx.close();
      },
    };
  };
}

runUpstreamAuthorityContract('vault (AppRole, in process)', contract('in-process', 'approle_auth'));
runUpstreamAuthorityContract('vault (cert auth; external, plugin_cmd over gRPC)', contract('external', 'cert_auth'));
