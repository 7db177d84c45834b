/**
 * SPIRE's Vault environment variables. As in SPIRE, a variable that is set (even to '') wins over
 * the matching plugin_data option: SPIRE's code does this, and a deployment moved from Go SPIRE
 * keeps its behaviour.
 */

/** The variables, by what they set. */
export const VAULT_ENV = {
  addr: 'VAULT_ADDR',
  token: 'VAULT_TOKEN',
  clientCert: 'VAULT_CLIENT_CERT',
  clientKey: 'VAULT_CLIENT_KEY',
  caCert: 'VAULT_CACERT',
  namespace: 'VAULT_NAMESPACE',
  appRoleId: 'VAULT_APPROLE_ID',
  appRoleSecretId: 'VAULT_APPROLE_SECRET_ID',
  transitEnginePath: 'VAULT_TRANSIT_ENGINE_PATH',
  /** Read by Go's Vault client itself (vault/api's DefaultConfig), so by SPIRE's plugins too. */
  maxRetries: 'VAULT_MAX_RETRIES',
} as const;

/** The environment a parse reads (process.env by default; tests pass their own). */
export type Env = Record<string, string | undefined>;

/** The variable's value when it is set, else `fallback`. */
export function envOr(env: Env, name: string, fallback: string): string {
  const v = env[name];
  return v !== undefined ? v : fallback;
}
