export * from './key-types.js';
export * from './digest-signer.js';
export * from './worker-keys.js';
export * from './in-process-key-manager.js';
export { KeyManagerErrors } from './errors.js';
