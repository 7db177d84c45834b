import type { PolicyData } from '../authpolicy/policy-data.js';
import type { PluginConfig } from './plugin-config.js';
import type { TrustDomain } from '../spiffeid/index.js';

import type { KeyType } from '../plugins/keymanager/contract.js';

/** log_level after normalisation (SPIRE accepts any case, and WARNING for WARN). */
export type LogLevel = 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'FATAL' | 'PANIC';
export type LogFormat = 'text' | 'json';

/** The subject of CA certificates (`ca_subject`). */
export interface CaSubject {
  country: string[];
  organization: string[];
  commonName: string;
}

/** ACME settings of the https_web bundle endpoint profile. */
export interface AcmeConfig {
  /** Default: Let's Encrypt's v2 directory. */
  directoryUrl: string;
  domainName: string;
  email: string;
  tosAccepted: boolean;
  /** Where certificates are cached: `<data_dir>/bundle-acme`, as SPIRE. */
  cacheDir: string;
}

/** `serving_cert_file` of the https_web bundle endpoint profile. */
export interface ServingCertFileConfig {
  certFilePath: string;
  keyFilePath: string;
  /** Default 1h. */
  fileSyncIntervalMs: number;
}

/** How this server's bundle endpoint authenticates itself. */
export type BundleEndpointProfileConfig =
  | { type: 'https_spiffe' }
  | { type: 'https_web'; acme?: AcmeConfig; servingCertFile?: ServingCertFileConfig };

/** `federation.bundle_endpoint`: this server serving its bundle. */
export interface BundleEndpointConfig {
  /** Default 0.0.0.0. */
  address: string;
  /** 0 (unset) lets the system choose, as SPIRE does. */
  port: number;
  /** Default 5m. */
  refreshHintMs: number;
  /**
   * Resolved profile. The deprecated `acme` block directly under bundle_endpoint becomes an
   * https_web profile; no profile at all means https_spiffe (with a warning), as SPIRE.
   */
  profile: BundleEndpointProfileConfig;
}

/** How a foreign bundle endpoint is authenticated. */
export type FederatesWithProfile = { type: 'https_web' } | { type: 'https_spiffe'; endpointSpiffeId: string };

/** One `federation.federates_with "<trust domain>"` relationship. */
export interface FederatesWithConfig {
  trustDomain: TrustDomain;
  bundleEndpointUrl: string;
  profile: FederatesWithProfile;
}

export interface FederationConfig {
  bundleEndpoint?: BundleEndpointConfig;
  /** In config-file order. */
  federatesWith: FederatesWithConfig[];
}

/** `experimental.auth_opa_policy_engine`. */
export interface AuthOpaPolicyEngineConfig {
  local?: { regoPath: string; policyDataPath: string };
  /** The policy data of `local.policy_data_path`, checked (set when the config has no problem). */
  policy?: PolicyData;
}

export interface ExperimentalConfig {
  agentSpiffeIdAsSelector: boolean;
  /** Absent: SPIRE's default authorization policy. */
  authOpaPolicyEngine?: AuthOpaPolicyEngineConfig;
  /** Default 5s. */
  cacheReloadIntervalMs: number;
  /** Default 24h. */
  fullCacheReloadIntervalMs: number;
  eventsBasedCache: boolean;
  /** Default 12h. */
  pruneEventsOlderThanMs: number;
  /** Default 15m; the deprecated sql_transaction_timeout sets it too. */
  eventTimeoutMs: number;
  requirePqKem: boolean;
  /** The CA key type: `wit_key_type` is refused while WIT-SVIDs are not implemented (as is `wit_issuer`). */
  witKeyType: KeyType;
  /** Developer feature flags (`feature_flags`): "i_am_a_test_flag" ("wit-svid" is refused). */
  featureFlags: string[];
  /**
   * `max_pending_svids` (ours; SPIRE has no such bound): workload SVIDs that may wait to be
   * signed at once before more are refused with RESOURCE_EXHAUSTED. Absent: the CA's default
   * (10,000).
   */
  maxPendingSvids?: number;
}

/** `ratelimit { }` of server.conf; the API's per-IP limiters read it. */
export interface RateLimitConfig {
  /** Default true: one attestation per second per IP. */
  attestation: boolean;
  /** Default true: 500 signings per second per IP. */
  signing: boolean;
}

/** The `server { }` block, fully defaulted. Durations are in milliseconds. */
export interface ServerSection {
  trustDomain: TrustDomain;
  /**
   * Default 0.0.0.0. Brackets trimmed (`::1`, not `[::1]`). loadServerConfig has resolved a host
   * name to the IP to listen on; parseServerConfigText keeps the name.
   */
  bindAddress: string;
  /** Default 8081. */
  bindPort: number;
  /** Absolute. Default /tmp/spire-server/private/api.sock. */
  socketPath: string;
  /** Absolute (resolved against the working directory). Required, as in SPIRE. */
  dataDir: string;
  /** Default INFO. */
  logLevel: LogLevel;
  /** Default text. */
  logFormat: LogFormat;
  logFile?: string;
  logSourceLocation: boolean;
  /** Default ec-p256. */
  caKeyType: KeyType;
  /** Default: caKeyType. */
  jwtKeyType: KeyType;
  /** Default 24h. */
  caTtlMs: number;
  /** Default 1h. */
  defaultX509SvidTtlMs: number;
  /** Default 5m. */
  defaultJwtSvidTtlMs: number;
  /** Absent: agents get defaultX509SvidTtlMs. */
  agentTtlMs?: number;
  /** Default C=US, O=SPIFFE (also when ca_subject is present but empty). */
  caSubject: CaSubject;
  jwtIssuer?: string;
  /** Valid SPIFFE IDs, as written. */
  adminIds: string[];
  auditLogEnabled: boolean;
  /**
   * `exclude_sn_from_ca_subject`: leave the serial number out of the CA certificates' subject.
   * Default false. (Go SPIRE dropped this key in 1.10; it is kept here because operators still
   * use it and the CA honours it.)
   */
  excludeSnFromCaSubject: boolean;
  disableJwtSvids: boolean;
  ratelimit: RateLimitConfig;
  federation: FederationConfig;
  experimental: ExperimentalConfig;
  /** CIDRs allowed to send PROXY protocol headers. */
  proxyProtocolTrustedCidrs: string[];
  /**
   * `prune_attested_nodes_expired_for`. Absent or 0: attested nodes are never pruned (as SPIRE,
   * which starts its node manager only for a non-zero duration).
   */
  pruneAttestedNodesExpiredForMs?: number;
  /** Default 1000 (used only with pruneAttestedNodesExpiredForMs). */
  pruneAttestedNodesBatchSize: number;
  /** `prune_tofu_nodes`. */
  pruneTofuNodes: boolean;
  /** Default 0 (no caching). */
  maxAttestedNodeInfoStalenessMs: number;
  profilingEnabled: boolean;
  profilingPort: number;
  profilingFreq: number;
  profilingNames: string[];
}

/** `telemetry.Prometheus.tls`. */
export interface PrometheusTlsConfig {
  certFile?: string;
  keyFile?: string;
  clientCaFile?: string;
  useSpireSvid: boolean;
  authorizedSpiffeIds: string[];
}

export interface TelemetryConfig {
  prometheus?: { host: string; port: number; tls?: PrometheusTlsConfig };
  /** DogStatsD agents, each `host:port` (UDP). */
  dogStatsd: { address: string }[];
  /** StatsD servers, each `host:port` (UDP). */
  statsd: { address: string }[];
  /** Read so its mistakes are reported, but the M3 sink itself is refused (no Node client). */
  m3: { address: string; env: string }[];
  /** Whether an `InMem { }` block is present: SPIRE runs that sink only then. */
  inMem: boolean;
  /** Default "spire_server". */
  metricPrefix: string;
  enableTrustDomainLabel: boolean;
  /** Default true. */
  enableHostnameLabel: boolean;
  allowedPrefixes: string[];
  blockedPrefixes: string[];
  allowedLabels: string[];
  blockedLabels: string[];
}

export interface HealthChecksConfig {
  listenerEnabled: boolean;
  /** Default localhost. */
  bindAddress: string;
  /** Default 80. */
  bindPort: number;
  /** Default /live. */
  livePath: string;
  /** Default /ready. */
  readyPath: string;
}

/**
 * `console { }`: the built-in web console (this project's own block; SPIRE has none). Durations
 * in milliseconds; paths absolute.
 */
export interface ConsoleConfig {
  /** Default 127.0.0.1 (loopback). */
  bindAddress: string;
  /** Default 8444; 0 picks a free port. */
  bindPort: number;
  /** With keyFile: serve this certificate chain (PEM) instead of the server's X509-SVID. */
  certFile?: string;
  keyFile?: string;
  /** Default 15m. */
  sessionIdleTimeoutMs: number;
  /** Default 5m; a link works once. */
  loginLinkTtlMs: number;
  /** Base of login links, no trailing slash; default https://<bind_address>:<bind_port>. */
  publicUrl?: string;
}

/** One plugin declaration; `pluginArgs` is SPIRE's `plugin_args` for external plugins. */
export interface DeclaredPlugin extends PluginConfig {
  pluginArgs: string[];
}

/** A whole server.conf, read, defaulted and validated. */
export interface ServerConfig {
  server: ServerSection;
  /** In config-file order. */
  plugins: DeclaredPlugin[];
  healthChecks: HealthChecksConfig;
  telemetry: TelemetryConfig;
  /** `console { }`; absent: the console is off. */
  console?: ConsoleConfig;
  /** Where this config was read from, when it came from a file (loadServerConfig sets it). */
  source?: ConfigSource;
}

/**
 * The file a config was read from and how, so that it can be read again the same way (SIGUSR1's
 * plugin reconfiguration): loadServerConfig with these options reads it as the first time.
 */
export interface ConfigSource {
  /** The path as given (relative to `cwd`). */
  path: string;
  cwd: string;
  flags?: RunFlags;
  env?: NodeJS.ProcessEnv;
  /** The file's text as read then. */
  text: string;
}

/** Flags of `spire-server run` / `validate` that override the file. */
export interface RunFlags {
  bindAddress?: string;
  config?: string;
  dataDir?: string;
  expandEnv?: boolean;
  logFile?: string;
  logFormat?: string;
  logLevel?: string;
  /** `-logSourceLocation` (only `true` overrides). */
  logSourceLocation?: boolean;
  serverPort?: number;
  socketPath?: string;
  trustDomain?: string;
}
