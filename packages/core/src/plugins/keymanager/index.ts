export * from './contract.js';
export { fitEcdsaDigest } from './ecdsa-digest.js';
export { KeyEntries } from './key-entries.js';
