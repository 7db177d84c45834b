/**
 * Reading server.conf: SPIRE's HCL dialect or JSON, -expandEnv, flag overrides, defaults, and
 * every problem at once.
 */
export type { ConfigProblem } from './problem.js';
export { formatProblem } from './problem.js';
export type {
  ServerConfig,
  ConfigSource,
  ServerSection,
  RunFlags,
  LogLevel,
  LogFormat,
  CaSubject,
  AcmeConfig,
  ServingCertFileConfig,
  BundleEndpointProfileConfig,
  BundleEndpointConfig,
  FederatesWithProfile,
  FederatesWithConfig,
  FederationConfig,
  AuthOpaPolicyEngineConfig,
  ExperimentalConfig,
  RateLimitConfig,
  PrometheusTlsConfig,
  TelemetryConfig,
  HealthChecksConfig,
  DeclaredPlugin,
} from './types.js';
export { parseServerConfigText, loadServerConfig, DEFAULT_CONFIG_PATH, type LoadResult } from './load.js';
export { parseHcl } from './parse-text.js';
export { ConfigSyntaxError } from './syntax-error.js';
export { expandEnv } from './expand-env.js';
export { DEFAULT_SOCKET_PATH } from './server-section.js';
