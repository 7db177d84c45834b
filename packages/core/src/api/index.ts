/**
 * The server APIs: SPIRE's gRPC services on the admin socket and TCP. Re-exported from core as
 * the `api` namespace (port names such as ServerCAPort differ from the CA's own classes).
 */
export { startEndpoints, apiServices, type Endpoints, type EndpointsDeps } from './endpoints.js';
export { endpointsDepsFromConfig, type EndpointsSettings } from './from-config.js';
export { caPort, type CaPortDeps } from './ca-port.js';
export type * from './ports.js';
export { DataStoreAuthorizedEntries } from './authorized-entries.js';
export { loadApiProtos, serviceDefinition, clientConstructor, Services, API_PROTO_FILES, API_LOADER_OPTIONS } from './proto.js';
export { protoDir } from '../proto/loader.js';
export { entriesFromDataJson, bundleFromSpiffeJson } from './convert/cli-json.js';
export { PolicyEngine, defaultPolicyData, type PolicyData, type PolicyResult } from '../authpolicy/index.js';
export { rateLimits, PerIpLimiter } from './rate-limit.js';
export { makeErr, makeStatus, okStatus, type ApiStatus } from './status.js';
export { API_MAX_PAGE_SIZE } from './pagination.js';
export { pinoLevelControl } from './log-levels.js';
