/**
 * The plugin API: everything a SPIRE Server plugin, built in or external, may use from the
 * server. Plugin packages and `@spire-ts/plugin-sdk` import from here (and from
 * `@spire-ts/core/plugin/testing` in tests), never from the root `@spire-ts/core`, so that the
 * kernel (catalog, CA manager, APIs) can change without breaking a plugin.
 *
 * What it holds: the seven plugin contracts and their types, the `define…` descriptors, the
 * config-reader helpers, the coded errors, the SPIFFE ID types, the logger interface, the host
 * services, the agent path template, the in-process KeyManager base, the X.509 helpers an
 * UpstreamAuthority that signs locally needs, and (as the `wire` namespace) the go-plugin wire
 * codecs `@spire-ts/plugin-sdk` serves external plugins with.
 */

// Coded errors.
export { Code, SpireError, spireError, errorCode, errorMessage } from '../errors.js';

// SPIFFE IDs.
export { SpiffeId, serverId, agentId, isAgentPath } from '../spiffeid/spiffe-id.js';
export { TrustDomain, validateTrustDomainName, validatePath } from '../spiffeid/trust-domain.js';
export { SpiffeIdError } from '../spiffeid/errors.js';

// The logger interface.
export { type Logger, silentLogger } from '../log/logger.js';

// Plugin types, descriptors, config reading, host services.
export { PLUGIN_TYPES, isPluginType, untaintedRoots, type PluginType, type X509Certificate, type JWTKey, type PluginBundle } from '../plugins/types.js';
export type { CoreConfig, PluginDeps, Closable, PluginDescriptor, AnyPluginDescriptor } from '../plugins/descriptor.js';
export { ConfigReader, type PluginData, type ParseResult } from '../plugins/config-reader.js';
export { parseDuration, formatDuration } from '../duration.js';
export { systemClock, type TaskClock } from '../plugins/task-clock.js';
export { withDeadline } from '../plugins/deadline.js';
export { SerialQueue } from '../serial-queue.js';
export { parseHcl } from '../config/parse-text.js';
export { ConfigSyntaxError } from '../config/syntax-error.js';
export type * from '../plugins/host-services.js';

// The typed DI ref each contract's token is (the container behind it stays in the kernel).
export type { ServiceRef } from '../di/service-ref.js';

// The seven contracts, with their `define…` descriptors.
export * from '../plugins/datastore/index.js';
export * from '../plugins/keymanager/index.js';
export * from '../plugins/nodeattestor/index.js';
export * from '../plugins/upstreamauthority/index.js';
export * from '../plugins/notifier/index.js';
export * from '../plugins/bundlepublisher/index.js';
export * from '../plugins/credentialcomposer/index.js';

// The in-process KeyManager base that built-in KeyManagers extend.
export {
  InProcessKeyManager,
  keyEntryFromPkcs8,
  entryPkcs8,
  type KeyEntry,
} from '../plugins/keymanager/in-process-key-manager.js';
export { hasWorkerKeys } from '../plugins/keymanager/worker-keys.js';
export { keyTypeOf } from '../plugins/keymanager/key-types.js';
export { signDigest } from '../plugins/keymanager/digest-signer.js';
export { readOrCreateServerId, type ServerIdErrors } from '../plugins/keymanager/server-id.js';
export { DisposalQueue, type DisposalOutcome, type DisposalQueueOptions } from '../plugins/keymanager/disposal-queue.js';

// X.509 building blocks for an UpstreamAuthority that signs downstream CAs itself.
export { assembleCertificate, encodeTbs, fromPem, hex, randomSerial, readCertificate, toPem } from '../ca/x509/certificate.js';
export { parseCsr, verifyCsr } from '../ca/x509/csr.js';
export {
  KeyUsage,
  authorityKeyIdExt,
  basicConstraintsExt,
  keyUsageExt,
  subjectAltNameExt,
  subjectKeyIdExt,
} from '../ca/x509/extensions.js';
export { OID } from '../ca/x509/oids.js';
export { signatureAlgorithmFor, subjectKeyId } from '../ca/x509/spki.js';
export { signatureAlgorithmDer } from '../ca/x509/svid-template.js';
export * from '../ca/x509/chain/index.js';
export {
  checkCaCsr,
  checkUpstreamCredentials,
  parseCertificatesPem,
  parseUpstreamKey,
  signCaCsr,
  DEFAULT_UPSTREAM_CA_TTL_MS,
  UPSTREAM_CA_BACKDATE_MS,
  type UpstreamCredentialErrors,
  type UpstreamCredentials,
} from '../ca/x509/upstream-ca.js';

/**
 * The go-plugin wire form of each plugin type: service names and definitions, the handshake
 * versions, message codecs, the generated message and handler types (`wire.msg`) and gRPC
 * status mapping. Only `@spire-ts/plugin-sdk` (the plugin side of an external plugin) needs it;
 * a plugin written against a contract never does.
 */
export * as wire from './wire.js';

/** The wire of nested SPIRE: the upstream server's Bundle and SVID APIs and the Workload API's FetchX509SVID. */
export { nestedSpireWire } from './nested-spire-wire.js';
