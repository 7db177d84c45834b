import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadPackageDefinition, type GrpcObject, type ServiceDefinition } from '@grpc/grpc-js';
import { loadSync, type Options } from '@grpc/proto-loader';

/**
 * The directory holding the .proto files. They are read at run time (tsc does not copy them), so
 * they are looked for, in order: in `$SPIRE_TS_PROTO_DIR`; in this package (found from this
 * module's URL: `dist/catalog/external/` and `src/catalog/external/` are both three levels below
 * the package root); in a `proto` directory beside the running script (for a plugin bundled into
 * one file). Throws, listing the places tried, when none has them.
 */
export function protoDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [
    process.env.SPIRE_TS_PROTO_DIR,
    resolve(here, '..', '..', '..', 'proto'),
    process.argv[1] ? join(dirname(resolve(process.argv[1])), 'proto') : undefined,
  ].filter((d): d is string => d !== undefined && d !== '');
  const dir = candidates.find((d) => existsSync(join(d, 'spire', 'service', 'common', 'config', 'v1', 'config.proto')));
  if (!dir) throw new Error(`plugin proto files not found; looked in: ${candidates.join(', ')}`);
  return dir;
}

const FILES = [
  'spire/service/common/config/v1/config.proto',
  'spire/service/private/init/v1/init.proto',
  'spire/plugin/server/keymanager/v1/keymanager.proto',
  'spire/plugin/server/nodeattestor/v1/nodeattestor.proto',
  'spire/plugin/server/upstreamauthority/v1/upstreamauthority.proto',
  'spire/plugin/server/notifier/v1/notifier.proto',
  'spire/plugin/server/bundlepublisher/v1/bundlepublisher.proto',
  'spire/plugin/server/credentialcomposer/v1/credentialcomposer.proto',
  'spire/hostservice/server/identityprovider/v1/identityprovider.proto',
  'spire/hostservice/server/agentstore/v1/agentstore.proto',
  'spire/hostservice/common/metrics/v1/metrics.proto',
  'goplugin/grpc_broker.proto',
  'goplugin/grpc_controller.proto',
  'goplugin/grpc_stdio.proto',
  'grpc/health/v1/health.proto',
];

/**
 * How messages look in JS on both sides: camelCase fields, enums by name, 64-bit integers as
 * numbers (every 64-bit field here is a Unix time, a TTL or a sequence number), bytes as
 * Buffers, defaults filled in, and the name of the set member of each oneof.
 */
export const LOADER_OPTIONS: Options = {
  keepCase: false,
  longs: Number,
  enums: String,
  bytes: Buffer,
  defaults: true,
  oneofs: true,
};

let cached: GrpcObject | undefined;

function root(): GrpcObject {
  if (!cached) {
    const dir = protoDir();
    const def = loadSync(FILES, { ...LOADER_OPTIONS, includeDirs: [dir] });
    cached = loadPackageDefinition(def);
  }
  return cached;
}

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
  let node: unknown = root();
  for (const part of SERVICE_NAMES[key].split('.')) node = (node as Record<string, unknown>)[part];
  if (typeof node !== 'function') throw new Error(`service ${SERVICE_NAMES[key]} missing from the proto files`);
  return node as ServiceClientCtor;
}

/** The definition of a service, for `server.addService`. */
export function serviceDefinition(key: ServiceKey): ServiceDefinition {
  return serviceCtor(key).service;
}
