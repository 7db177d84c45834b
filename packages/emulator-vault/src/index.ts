/**
 * A protocol-level HashiCorp Vault emulator for tests: token, cert, AppRole and Kubernetes auth
 * with leases that expire and renew, the PKI `root/sign-intermediate` route over a real CA, and
 * the Transit engine, over HTTPS chained to the fixed test CA.
 */
export { VaultEmulator, type VaultCall, type VaultEmulatorOptions } from './emulator.js';
export { AuthMethods, type AppRole, type CertRole, type K8sRole } from './auth.js';
export { PkiEngine, type SignedIntermediate } from './pki.js';
export { TransitEngine, TRANSIT_KEY_TYPES, type TransitKey } from './transit.js';
export { TokenStore, type Lease, type Token } from './tokens.js';
export { CLIENT_CERT_HEADER } from './tls-front.js';
export { startVaultFixture, type AuthBlock, type VaultFixture } from './fixture.js';
