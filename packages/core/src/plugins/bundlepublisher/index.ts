export * from './contract.js';
export * from './bundle-format.js';
