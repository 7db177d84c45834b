import type * as grpc from '@grpc/grpc-js';
import type * as protoLoader from '@grpc/proto-loader';
import { findService, lazyProtoRoot } from '../proto/loader.js';
import { protoSet } from '../proto/sets.js';

/** The .proto files of the server APIs, relative to protoDir() (proto/sets.json, set `api`). */
export const API_PROTO_FILES = protoSet('api').files;

/**
 * How messages look in JavaScript, on both sides of every call:
 * - field names as in the .proto (snake_case, `keepCase`), as protojson and SPIRE's CLI print them;
 * - 64-bit integers as JS numbers (every int64 the APIs carry is a time, a TTL, a count or a
 *   revision number, far below 2^53);
 * - enums as their names (`'EXACT'`); a number arriving in an enum field is a value this server
 *   does not know, which handlers reject with InvalidArgument;
 * - bytes as Buffers; absent message fields as null; proto3 `optional` and oneofs report which
 *   member is set in a virtual field (`bundle_endpoint_profile: 'https_spiffe'`).
 */
export const API_LOADER_OPTIONS: protoLoader.Options = protoSet('api').options;

/** Loads every API proto once and returns the gRPC object tree (`spire.api.server.entry.v1.Entry`). Throws when a file does not parse. Safe to call twice. */
export const loadApiProtos: () => grpc.GrpcObject = lazyProtoRoot(API_PROTO_FILES, API_LOADER_OPTIONS);

/** A service definition by its full name, e.g. `spire.api.server.entry.v1.Entry`. Throws when unknown. */
export function serviceDefinition(fullName: string): grpc.ServiceDefinition {
  return findService(loadApiProtos(), fullName).service;
}

/** A client constructor for a service by its full name (tests and the CLI use it). */
export function clientConstructor(fullName: string): grpc.ServiceClientConstructor {
  return findService(loadApiProtos(), fullName);
}

/** Full names of the services this server offers. */
export const Services = {
  agent: 'spire.api.server.agent.v1.Agent',
  bundle: 'spire.api.server.bundle.v1.Bundle',
  debug: 'spire.api.server.debug.v1.Debug',
  entry: 'spire.api.server.entry.v1.Entry',
  localAuthority: 'spire.api.server.localauthority.v1.LocalAuthority',
  logger: 'spire.api.server.logger.v1.Logger',
  svid: 'spire.api.server.svid.v1.SVID',
  trustDomain: 'spire.api.server.trustdomain.v1.TrustDomain',
  registration: 'spire.api.registration.Registration',
  /** This project's own: the web console's login links (admin socket only). */
  console: 'spirets.console.v1.Console',
} as const;
