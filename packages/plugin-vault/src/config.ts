import { ConfigReader } from '@spire-ts/core/plugin';
import { envOr, VAULT_ENV, type Env } from './env.js';

/** How the plugin logs in to Vault (exactly one method). */
export type VaultAuth =
  | { method: 'token'; token: string }
  | { method: 'cert'; mount: string; roleName: string; clientCertPath: string; clientKeyPath: string }
  | { method: 'approle'; mount: string; roleId: string; secretId: string }
  | { method: 'k8s'; mount: string; roleName: string; tokenPath: string };

/** What both Vault plugins configure the same way, with the environment already applied. */
export interface VaultBaseConfig {
  vaultAddr: string;
  /** '' for the root namespace. */
  namespace: string;
  /** A PEM file of CAs to verify Vault with; '' for the system roots. */
  caCertPath: string;
  insecureSkipVerify: boolean;
  auth: VaultAuth;
  /** How many times a call is sent again after a retryable failure (VAULT_MAX_RETRIES; default 2). */
  maxRetries: number;
}

/** Go's Vault client's default number of retries. */
export const DEFAULT_MAX_RETRIES = 2;

/** Default mount points of the auth methods, as SPIRE's. */
export const DEFAULT_MOUNTS = { cert: 'cert', approle: 'approle', k8s: 'kubernetes' } as const;

const AUTH_BLOCKS = ['token_auth', 'cert_auth', 'approle_auth', 'k8s_auth'] as const;

/**
 * Reads the options both Vault plugins share from `r` (the plugin's reader, so unknown keys are
 * still refused in one place): `vault_addr`, `namespace`, `ca_cert_path`, `insecure_skip_verify`
 * and exactly one of `token_auth`, `cert_auth`, `approle_auth`, `k8s_auth`. SPIRE's environment
 * variables override the options they match when set (see env.ts). Problems go to `r` with
 * SPIRE's messages; returns undefined when the auth method cannot be settled.
 */
export function readVaultBase(r: ConfigReader, env: Env): VaultBaseConfig | undefined {
  const vaultAddr = envOr(env, VAULT_ENV.addr, r.string('vault_addr') ?? '');
  const namespace = envOr(env, VAULT_ENV.namespace, r.string('namespace') ?? '');
  const caCertPath = envOr(env, VAULT_ENV.caCert, r.string('ca_cert_path') ?? '');
  const insecureSkipVerify = r.bool('insecure_skip_verify') ?? false;
  const retriesText = envOr(env, VAULT_ENV.maxRetries, String(DEFAULT_MAX_RETRIES));
  const maxRetries = /^\d+$/.test(retriesText.trim()) ? Number(retriesText.trim()) : NaN;
  if (!Number.isSafeInteger(maxRetries)) r.problem(`VAULT_MAX_RETRIES ${JSON.stringify(retriesText)} is not a whole number of retries`);
  if (vaultAddr === '') r.problem('vault_addr is required (or set VAULT_ADDR)');
  else if (!URL.canParse(vaultAddr) || !/^https?:$/.test(new URL(vaultAddr).protocol)) r.problem(`vault_addr ${JSON.stringify(vaultAddr)} is not an http(s) URL`);

  const present = AUTH_BLOCKS.filter((b) => r.has(b));
  const blocks = Object.fromEntries(AUTH_BLOCKS.map((b) => [b, r.block(b)]));
  if (present.length === 0) {
    r.problem("must be configured one of these authentication method 'Token, Client Certificate, AppRole or Kubernetes");
    return undefined;
  }
  if (present.length > 1) {
    r.problem('only one authentication method can be configured');
    return undefined;
  }
  const b = blocks[present[0]!];
  if (!b) return undefined;
  let auth: VaultAuth;
  switch (present[0]) {
    case 'token_auth':
      auth = { method: 'token', token: envOr(env, VAULT_ENV.token, b.string('token') ?? '') };
      break;
    case 'cert_auth': {
      auth = {
        method: 'cert',
        mount: b.string('cert_auth_mount_point') || DEFAULT_MOUNTS.cert,
        roleName: b.string('cert_auth_role_name') ?? '',
        clientCertPath: envOr(env, VAULT_ENV.clientCert, b.string('client_cert_path') ?? ''),
        clientKeyPath: envOr(env, VAULT_ENV.clientKey, b.string('client_key_path') ?? ''),
      };
      if ((auth.clientCertPath === '') !== (auth.clientKeyPath === '')) r.problem('both client cert and client key are required');
      break;
    }
    case 'approle_auth':
      auth = {
        method: 'approle',
        mount: b.string('approle_auth_mount_point') || DEFAULT_MOUNTS.approle,
        roleId: envOr(env, VAULT_ENV.appRoleId, b.string('approle_id') ?? ''),
        secretId: envOr(env, VAULT_ENV.appRoleSecretId, b.string('approle_secret_id') ?? ''),
      };
      break;
    default: {
      auth = { method: 'k8s', mount: b.string('k8s_auth_mount_point') || DEFAULT_MOUNTS.k8s, roleName: b.string('k8s_auth_role_name') ?? '', tokenPath: b.string('token_path') ?? '' };
      if (auth.roleName === '') r.problem('k8s_auth_role_name is required');
      if (auth.tokenPath === '') r.problem('token_path is required');
    }
  }
  return { vaultAddr, namespace, caCertPath, insecureSkipVerify, auth, maxRetries: Number.isSafeInteger(maxRetries) ? maxRetries : DEFAULT_MAX_RETRIES };
}
