/**
 * A protocol-level Azure emulator for tests, over HTTPS: start one with {@link AzureEmulator.start}
 * in a process that trusts the test CA (`NODE_EXTRA_CA_CERTS`, see @spire-ts/emulator-kit).
 */
export { AzureEmulator } from './emulator.js';
export type { AzureEnv } from './env.js';
export { EntraService, type AppRegistration, type IssuedToken } from './entra.js';
export { ArmService, armId, type ArmVm, type NicSeed, type VmSeed, type VmssSeed } from './arm.js';
export { MsiTokenSigner, msiIssuer, msiPayload, commonOpenIdConfiguration, type MsiTokenOptions } from './entra-msi.js';
export { azureServerEnv } from './arm-env.js';
export { ImdsService, IMDS_INTERMEDIATE_PATH, imdsPayload, type AttestedDocument, type AttestedVm } from './imds.js';
export { makeImdsPki, makeAttackerIdentity, signPkcs7, type ImdsPki, type SigningIdentity } from './imds-signer.js';
export { KeyVaultService, KEY_VAULT_RESOURCE, type VaultKey, type VaultKeyVersion, type DeletedVaultKey } from './keyvault.js';
export { derToRawEcdsa } from './keyvault-crypto.js';
export { BlobService, LOOPBACK_ACCOUNT, type StoredBlob, type StorageAccount } from './blob.js';
