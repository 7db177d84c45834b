import { defineUpstreamAuthority } from '@spire-ts/core/plugin';
import { parseVaultUaConfig, type VaultUaConfig } from './config.js';
import { VaultUpstreamAuthority } from './vault-upstream-authority.js';

export { VaultUpstreamAuthority } from './vault-upstream-authority.js';
export { parseVaultUaConfig, type VaultUaConfig } from './config.js';
export { VaultUaErrors } from './errors.js';
export { signIntermediate, type IntermediateRequest, type SignedCa } from './sign-intermediate.js';
export { subjectFields, type SubjectFields } from './csr-subject.js';

/** The descriptor of UpstreamAuthority "vault". */
export const vaultUpstreamAuthority = defineUpstreamAuthority<VaultUaConfig>({
  name: 'vault',
  parseConfig: (raw) => parseVaultUaConfig(raw),
  create: ({ config, trustDomain, log }) => new VaultUpstreamAuthority(config, trustDomain.idString(), log),
});
