import { ConfigReader, type ParseResult, type PluginData } from '@spire-ts/core/plugin';
import { envOr, readVaultBase, VAULT_ENV, type Env, type VaultBaseConfig } from '@spire-ts/plugin-vault';

/** Options of KeyManager "hashicorp_vault". */
export interface HashicorpVaultConfig extends VaultBaseConfig {
  /** Where the Transit engine is mounted (default `transit`; VAULT_TRANSIT_ENGINE_PATH wins when set). */
  transitEnginePath: string;
  /** A file holding this server's UUID (created 0600 when missing); '' when the value is given. */
  keyIdentifierFile: string;
  /** This server's identifier, given directly; '' when the file is used. */
  keyIdentifierValue: string;
}

/**
 * Reads plugin_data as SPIRE's hashicorp_vault does: the shared Vault options (set environment
 * variables override them), `transit_engine_path`, and exactly one of `key_identifier_file` and
 * `key_identifier_value`. Collects every problem with SPIRE's messages; unknown options are
 * refused. Reads `env` (process.env by default), nothing else.
 */
export function parseHashicorpVaultConfig(raw: PluginData, env: Env = process.env): ParseResult<HashicorpVaultConfig> {
  const r = new ConfigReader(raw);
  const base = readVaultBase(r, env);
  const keyIdentifierFile = r.string('key_identifier_file') ?? '';
  const keyIdentifierValue = r.string('key_identifier_value') ?? '';
  const transitEnginePath = envOr(env, VAULT_ENV.transitEnginePath, r.string('transit_engine_path') ?? '') || 'transit';
  if (keyIdentifierFile !== '' && keyIdentifierValue !== '') r.problem("only one of 'key_identifier_file' or 'key_identifier_value' should be provided");
  if (keyIdentifierFile === '' && keyIdentifierValue === '') r.problem("one of 'key_identifier_file' or 'key_identifier_value' must be provided");
  return r.result({ ...(base as VaultBaseConfig), transitEnginePath, keyIdentifierFile, keyIdentifierValue });
}
