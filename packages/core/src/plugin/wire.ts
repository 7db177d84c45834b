/**
 * The go-plugin wire form shared by the server's external-plugin loader and the plugin side in
 * `@spire-ts/plugin-sdk`; published as the `wire` namespace of `@spire-ts/core/plugin`.
 */
export { HOST_SERVICE_PROVIDER_ID } from '../catalog/external/external-plugin.js';
export { APP_PROTOCOL_VERSION, CORE_PROTOCOL_VERSION } from '../catalog/external/handshake.js';
export { fromGrpcError, toGrpcStatus } from '../catalog/external/grpc-status.js';
export { SERVICE_NAMES, serviceCtor, pluginServiceDefinition, type ServiceKey } from '../catalog/external/protos.js';
export * from '../plugins/wire-common.js';
export * from '../plugins/keymanager/codec.js';
export * from '../plugins/credentialcomposer/codec.js';
export * from '../plugins/nodeattestor/codec.js';
/** The generated plugin-protocol message and handler types (`Foo` sent, `Foo__Output` received). */
export type * as msg from '../plugins/wire-messages.js';
