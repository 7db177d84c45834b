import type { ServiceDefinition } from '@grpc/grpc-js';
import type { Options } from '@grpc/proto-loader';
import { findService, lazyProtoRoot } from '../../proto/loader.js';
import { protoSet } from '../../proto/sets.js';

/** The plugin, host-service and go-plugin protocol .proto files, relative to protoDir() (proto/sets.json, set `plugin`). */
export const PLUGIN_PROTO_FILES = protoSet('plugin').files;

/**
 * How messages look in JS on both sides: camelCase fields, enums by name, 64-bit integers as
 * numbers (every 64-bit field here is a Unix time, a TTL or a sequence number), bytes as
 * Buffers, defaults filled in, and the name of the set member of each oneof.
 */
export const PLUGIN_LOADER_OPTIONS: Options = protoSet('plugin').options;

const root = lazyProtoRoot(PLUGIN_PROTO_FILES, PLUGIN_LOADER_OPTIONS);

/** Full gRPC names of every service this module knows. */
export const SERVICE_NAMES = {
  config: 'spire.service.common.config.v1.Config',
  init: 'spire.service.private.init.v1.Init',
  KeyManager: 'spire.plugin.server.keymanager.v1.KeyManager',
  NodeAttestor: 'spire.plugin.server.nodeattestor.v1.NodeAttestor',
  UpstreamAuthority: 'spire.plugin.server.upstreamauthority.v1.UpstreamAuthority',
  Notifier: 'spire.plugin.server.notifier.v1.Notifier',
  BundlePublisher: 'spire.plugin.server.bundlepublisher.v1.BundlePublisher',
  CredentialComposer: 'spire.plugin.server.credentialcomposer.v1.CredentialComposer',
  identityProvider: 'spire.hostservice.server.identityprovider.v1.IdentityProvider',
  agentStore: 'spire.hostservice.server.agentstore.v1.AgentStore',
  metrics: 'spire.hostservice.common.metrics.v1.Metrics',
  broker: 'plugin.GRPCBroker',
  controller: 'plugin.GRPCController',
  stdio: 'plugin.GRPCStdio',
  health: 'grpc.health.v1.Health',
} as const;

/** A key of SERVICE_NAMES. */
export type ServiceKey = keyof typeof SERVICE_NAMES;

/** A service constructor as grpc-js makes it: a client class that also carries `.service`. */
export interface ServiceClientCtor {
  new (address: string, credentials: import('@grpc/grpc-js').ChannelCredentials, options?: object): import('@grpc/grpc-js').Client;
  service: ServiceDefinition;
}

/**
 * The grpc-js client constructor (with `.service`, its definition for servers) of a service.
 * Loads the proto files on first use; throws when they cannot be read. Safe to call repeatedly.
 */
export function serviceCtor(key: ServiceKey): ServiceClientCtor {
  return findService(root(), SERVICE_NAMES[key]) as unknown as ServiceClientCtor;
}

/** The definition of a plugin, host or go-plugin service, for `server.addService`. */
export function pluginServiceDefinition(key: ServiceKey): ServiceDefinition {
  return serviceCtor(key).service;
}
