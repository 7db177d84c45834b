/**
 * `@spire-ts/plugin-sdk`: write a SPIRE Server plugin in TypeScript. It re-exports the plugin API
 * (`@spire-ts/core/plugin`: contracts, `define…` descriptors, config reading, coded errors, SPIFFE
 * IDs, logger, host services) and adds `serve()`, which runs a descriptor as an external plugin.
 */
export * from '@spire-ts/core/plugin';
export { serve, type ServeOptions } from './serve.js';
export { decodePluginData } from './hcl-data.js';
export { pluginLogger } from './hclog-logger.js';
