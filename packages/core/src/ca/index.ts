export * from './keys/index.js';
