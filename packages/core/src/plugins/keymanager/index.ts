export * from './contract.js';
export { fitEcdsaDigest } from './ecdsa-digest.js';
