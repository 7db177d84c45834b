export * from '@spire-ts/core';
export { serve, type ServeOptions } from './serve.js';
export { decodePluginData } from './hcl-data.js';
export { pluginLogger } from './hclog-logger.js';
