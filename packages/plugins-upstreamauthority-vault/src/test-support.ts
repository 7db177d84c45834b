/** Test support (not shipped behaviour): the UA over the Vault fixture, and a mint helper. */
import { silentLogger, type Logger, type MintX509CAResponse } from '@spire-ts/core/plugin';
import { type AuthBlock, type VaultFixture } from '@spire-ts/emulator-vault';
import { makeCaCsr } from '@spire-ts/core/plugin/testing';
import { parseVaultUaConfig } from './config.js';
import { VaultUpstreamAuthority } from './vault-upstream-authority.js';

export const TD_ID = 'spiffe://example.org';

/** A configured UA for `method` over the fixture (no environment), throwing on config problems. */
export function makeUA(fx: VaultFixture, method: AuthBlock, extra: Record<string, unknown> = {}, o: { log?: Logger; timeoutMs?: number } = {}): VaultUpstreamAuthority {
  const parsed = parseVaultUaConfig(fx.pluginData(method, extra), {});
  if (!parsed.config) throw new Error(parsed.problems.join('; '));
  return new VaultUpstreamAuthority(parsed.config, TD_ID, o.log ?? silentLogger(), o.timeoutMs ? { timeoutMs: o.timeoutMs } : {});
}

/** The first response of a mint of a fresh trust-domain CSR. */
export async function mint(ua: VaultUpstreamAuthority, ttl = 600, csr?: Uint8Array): Promise<MintX509CAResponse> {
  const der = csr ?? (await makeCaCsr([TD_ID])).der;
  for await (const r of ua.mintX509CAAndSubscribe({ csr: der, preferredTtlSeconds: ttl })) return r;
  throw new Error('stream ended without a response');
}
