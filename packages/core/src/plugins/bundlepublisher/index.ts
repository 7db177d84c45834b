export * from './contract.js';
export * from './bundle-format.js';
export * from './refresh-hint.js';
export * from './last-published.js';
