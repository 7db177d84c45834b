/**
 * A protocol-level Google Cloud emulator for tests: start one with {@link GcpEmulator.start}, and
 * read or change each service's state through its fields.
 */
export { GcpEmulator } from './emulator.js';
export type { GcpEnv } from './env.js';
export { MetadataService, requireFlavor } from './metadata.js';
export { IitService } from './iit.js';
export { ComputeService } from './compute.js';
export { KmsService } from './kms.js';
export { PrivateCaService, CA_STATES, type CaState, type EmulatedCa, type EmulatedCertificate, type CreateCaOptions } from './privateca.js';
export { StorageService, type StoredObject } from './storage.js';
export { makeCaCsr } from './privateca-csr.js';
