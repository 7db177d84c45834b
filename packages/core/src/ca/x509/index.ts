export * from './certificate.js';
export * from './csr.js';
export * from './csr-builder.js';
export * from './name.js';
export * from './oids.js';
export * from './spki.js';
export * from './svid-template.js';
export * from './extensions.js';
export * as der from '../../der.js';
