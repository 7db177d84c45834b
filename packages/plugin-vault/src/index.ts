/**
 * What the Vault plugins share: the options both read (with SPIRE's environment variables), the
 * four auth methods, and a session that logs in lazily, renews its token and logs in again when
 * renewal stops, over node-vault.
 */
export { readVaultBase, DEFAULT_MOUNTS, type VaultAuth, type VaultBaseConfig } from './config.js';
export { VAULT_ENV, envOr, type Env } from './env.js';
export { VaultErrors, grpcCodeName, nested } from './errors.js';
export { VaultApiError } from './api-error.js';
export { login, renewSelf, type Login } from './auth.js';
export { VaultSession, type VaultSessionDeps } from './session.js';
export { nodeVaultTransport, DEFAULT_CALL_TIMEOUT_MS, type TransportOptions, type VaultBody, type VaultTransport } from './transport.js';
