import { ConfigReader, type ParseResult, type PluginData } from '@spire-ts/core/plugin';
import { readVaultBase, type Env, type VaultBaseConfig } from '@spire-ts/plugin-vault';

/** Options of UpstreamAuthority "vault". */
export interface VaultUaConfig extends VaultBaseConfig {
  /** Where the PKI secrets engine is mounted (default `pki`). */
  pkiMountPoint: string;
}

/**
 * Reads plugin_data as SPIRE's vault UpstreamAuthority does: the shared Vault options (see
 * `readVaultBase`; set environment variables override them) and `pki_mount_point`. Collects
 * every problem; unknown options are refused. Reads `env` (process.env by default), nothing else.
 */
export function parseVaultUaConfig(raw: PluginData, env: Env = process.env): ParseResult<VaultUaConfig> {
  const r = new ConfigReader(raw);
  const base = readVaultBase(r, env);
  const pkiMountPoint = r.string('pki_mount_point') || 'pki';
  return r.result({ ...(base as VaultBaseConfig), pkiMountPoint });
}
