export * from './keys/index.js';
export * from './x509/index.js';
export * from './pool/signing-pool.js';
export type { SigningTask, SigningResults, X509Outcome } from './pool/signing-tasks.js';
