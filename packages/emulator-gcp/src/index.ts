/**
 * A protocol-level Google Cloud emulator for tests: start one with {@link GcpEmulator.start}, and
 * read or change each service's state through its fields.
 */
export { GcpEmulator } from './emulator.js';
export type { GcpEnv } from './env.js';
export { MetadataService, requireFlavor } from './metadata.js';
export { IitService, newIitSigner, IIT_AUDIENCE, IIT_ISSUER, type IitInstance, type IitSigner, type MintOptions } from './iit.js';
export { ComputeService, type ComputeInstance } from './compute.js';
export { KmsService, KMS_ALGORITHMS, type KmsCryptoKey, type KmsVersion, type KmsIamPolicy } from './kms.js';
export { matchesFilter } from './kms-filter.js';
export { PrivateCaService, CA_STATES, type CaState, type EmulatedCa, type EmulatedCertificate, type CreateCaOptions } from './privateca.js';
export { StorageService, type StoredObject } from './storage.js';
