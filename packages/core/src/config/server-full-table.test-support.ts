/**
 * What each key of conf/server/server_full.conf does, for server-full-audit.test.ts: it either
 * takes effect (its value reaches a settings field that code outside config/ reads) or is refused
 * by `validate` and `run` with a problem naming it. Keys are option names as problems write them.
 */

interface Common {
  /** The value to set instead of the sample's (when the sample writes the default, or a file that does not exist). */
  probe?: string;
  /** Other keys of the sample (option names) that must be written with this one for a valid config. */
  with?: string[];
  /** For a key that server_full.conf does not write: an HCL config that does (the key and any it needs). */
  sample?: string;
}

/** The value reaches `field` of the parsed ServerConfig, and `readBy` (under packages/) reads it. */
export interface Effect extends Common {
  kind: 'effect';
  /** Dotted path in ServerConfig; arrays are mapped over (`plugins.enabled`). */
  field: string;
  /** A source file outside config/ that reads the field. */
  readBy: string;
  /** The identifier `readBy` must contain; default: the last segment of `field`. */
  reads?: string;
  /**
   * What the probe is compared with: by default the same config with the key's blocks but not
   * the key; 'default' when those blocks alone are not a valid config.
   */
  baseline?: 'default';
  /** Keys the sample's own value is valid only with (its check adds them; the probe does not). */
  sampleWith?: string[];
}

/** validate and run refuse the key with a problem naming `problem` (default: the key itself). */
export interface Refused extends Common {
  kind: 'refused';
  problem?: string;
  /** Why, for the reader (docs/configuration.md lists the same). */
  why: string;
}

export type Classification = Effect | Refused;

const srv = 'core/src/server/server.ts';
const ca = 'core/src/ca/ca-service.ts';
const api = 'core/src/api/from-config.ts';
const be = 'core/src/federation/bundle-endpoint/index.ts';
const acme = 'core/src/federation/acme/acme-identity.ts';
const certFile = 'core/src/federation/bundle-endpoint/cert-file-identity.ts';
const catalog = 'core/src/catalog/catalog.ts';
const loader = 'core/src/catalog/external/loader.ts';
const tel = 'core/src/telemetry/telemetry.ts';
const filters = 'core/src/telemetry/filters.ts';
const prom = 'core/src/telemetry/prometheus-server.ts';
const promTls = 'core/src/telemetry/prometheus-tls.ts';
const health = 'core/src/server/health-checker.ts';

const BE = 'server.federation.bundle_endpoint';
const ACME = `${BE}.profile.https_web.acme`;
const CERT = `${BE}.profile.https_web.serving_cert_file`;
const FW = 'server.federation.federates_with["partner.test"]';
const EXP = 'server.experimental';
const OPA = `${EXP}.auth_opa_policy_engine.local`;
const EXT = 'plugins.NodeAttestor.my_attestor';
const WIT = 'WIT-SVIDs are not implemented (the SVID API answers Unimplemented)';

/** Every key of server_full.conf (and a few it leaves out), classified. */
export const CLASSIFICATION: Readonly<Record<string, Classification>> = {
  'server.trust_domain': { kind: 'effect', field: 'server.trustDomain', readBy: srv, probe: '"other.org"' },
  'server.data_dir': { kind: 'effect', field: 'server.dataDir', readBy: srv },
  'server.bind_address': { kind: 'effect', field: 'server.bindAddress', readBy: api, probe: '"127.0.0.1"' },
  'server.bind_port': { kind: 'effect', field: 'server.bindPort', readBy: api, probe: '"9081"' },
  'server.socket_path': { kind: 'effect', field: 'server.socketPath', readBy: srv, probe: '"/tmp/audit/api.sock"' },
  'server.log_level': { kind: 'effect', field: 'server.logLevel', readBy: srv, probe: '"DEBUG"' },
  'server.log_format': { kind: 'effect', field: 'server.logFormat', readBy: srv, probe: '"json"' },
  'server.log_file': { kind: 'effect', field: 'server.logFile', readBy: srv },
  'server.log_source_location': { kind: 'effect', field: 'server.logSourceLocation', readBy: srv, probe: 'true' },
  'server.admin_ids': { kind: 'effect', field: 'server.adminIds', readBy: api, probe: '["spiffe://example.org/admin"]' },
  'server.ca_key_type': { kind: 'effect', field: 'server.caKeyType', readBy: ca, probe: '"rsa-2048"' },
  'server.jwt_key_type': { kind: 'effect', field: 'server.jwtKeyType', readBy: ca, probe: '"ec-p384"' },
  'server.ca_ttl': { kind: 'effect', field: 'server.caTtlMs', readBy: ca, probe: '"48h"' },
  'server.ca_subject.country': { kind: 'effect', field: 'server.caSubject.country', readBy: ca, reads: 'caSubject', probe: '["DE"]' },
  'server.ca_subject.organization': { kind: 'effect', field: 'server.caSubject.organization', readBy: ca, reads: 'caSubject', probe: '["Acme"]' },
  'server.ca_subject.common_name': { kind: 'effect', field: 'server.caSubject.commonName', readBy: ca, reads: 'caSubject', probe: '"Acme CA"' },
  'server.exclude_sn_from_ca_subject': { kind: 'effect', field: 'server.excludeSnFromCaSubject', readBy: ca, probe: 'true' },
  'server.default_x509_svid_ttl': { kind: 'effect', field: 'server.defaultX509SvidTtlMs', readBy: ca, probe: '"2h"' },
  'server.default_jwt_svid_ttl': { kind: 'effect', field: 'server.defaultJwtSvidTtlMs', readBy: ca, probe: '"10m"' },
  'server.agent_ttl': { kind: 'effect', field: 'server.agentTtlMs', readBy: ca },
  'server.jwt_issuer': { kind: 'effect', field: 'server.jwtIssuer', readBy: ca },
  'server.disable_jwt_svids': { kind: 'effect', field: 'server.disableJwtSvids', readBy: ca, probe: 'true' },
  'server.audit_log_enabled': { kind: 'effect', field: 'server.auditLogEnabled', readBy: api, probe: 'true' },
  'server.ratelimit.attestation': { kind: 'effect', field: 'server.ratelimit.attestation', readBy: api, probe: 'false' },
  'server.ratelimit.signing': { kind: 'effect', field: 'server.ratelimit.signing', readBy: api, probe: 'false' },
  'server.proxy_protocol_trusted_cidrs': {
    kind: 'refused',
    probe: '["10.0.0.0/8"]',
    why: 'the server API does not read PROXY protocol headers; an empty list is accepted',
  },
  'server.prune_attested_nodes_expired_for': { kind: 'effect', field: 'server.pruneAttestedNodesExpiredForMs', readBy: srv },
  'server.prune_attested_nodes_batch_size': { kind: 'effect', field: 'server.pruneAttestedNodesBatchSize', readBy: srv, probe: '250' },
  'server.prune_tofu_nodes': { kind: 'effect', field: 'server.pruneTofuNodes', readBy: srv, probe: 'true' },
  'server.max_attested_node_info_staleness': { kind: 'effect', field: 'server.maxAttestedNodeInfoStalenessMs', readBy: srv, probe: '"30s"' },
  'server.profiling_enabled': { kind: 'effect', field: 'server.profilingEnabled', readBy: srv, probe: 'true' },
  'server.profiling_port': { kind: 'effect', field: 'server.profilingPort', readBy: srv },
  'server.profiling_freq': { kind: 'effect', field: 'server.profilingFreq', readBy: srv, probe: '30' },
  'server.profiling_names': { kind: 'effect', field: 'server.profilingNames', readBy: srv },

  [`${BE}.address`]: { kind: 'effect', field: 'server.federation.bundleEndpoint.address', readBy: be, probe: '"127.0.0.1"' },
  [`${BE}.port`]: { kind: 'effect', field: 'server.federation.bundleEndpoint.port', readBy: be },
  [`${BE}.refresh_hint`]: { kind: 'effect', field: 'server.federation.bundleEndpoint.refreshHintMs', readBy: be, probe: '"10m"' },
  [`${ACME}.directory_url`]: {
    kind: 'effect',
    field: 'server.federation.bundleEndpoint.profile.acme.directoryUrl',
    readBy: acme,
    probe: '"https://acme.test/directory"',
    with: [`${ACME}.domain_name`],
  },
  [`${ACME}.domain_name`]: { kind: 'effect', field: 'server.federation.bundleEndpoint.profile.acme.domainName', readBy: acme, baseline: 'default' },
  [`${ACME}.email`]: { kind: 'effect', field: 'server.federation.bundleEndpoint.profile.acme.email', readBy: acme, with: [`${ACME}.domain_name`] },
  [`${ACME}.tos_accepted`]: {
    kind: 'effect',
    field: 'server.federation.bundleEndpoint.profile.acme.tosAccepted',
    readBy: acme,
    probe: 'true',
    with: [`${ACME}.domain_name`],
  },
  [`${CERT}.cert_file_path`]: {
    kind: 'effect',
    field: 'server.federation.bundleEndpoint.profile.servingCertFile.certFilePath',
    readBy: certFile,
    with: [`${CERT}.key_file_path`],
    baseline: 'default',
  },
  [`${CERT}.key_file_path`]: {
    kind: 'effect',
    field: 'server.federation.bundleEndpoint.profile.servingCertFile.keyFilePath',
    readBy: certFile,
    with: [`${CERT}.cert_file_path`],
    baseline: 'default',
  },
  [`${CERT}.file_sync_interval`]: {
    kind: 'effect',
    field: 'server.federation.bundleEndpoint.profile.servingCertFile.fileSyncIntervalMs',
    readBy: certFile,
    probe: '"30m"',
    with: [`${CERT}.cert_file_path`, `${CERT}.key_file_path`],
  },
  [`${FW}.bundle_endpoint_url`]: {
    kind: 'effect',
    field: 'server.federation.federatesWith.bundleEndpointUrl',
    readBy: 'core/src/federation/refresher/federation-manager.ts',
    with: [`${FW}.bundle_endpoint_profile.https_spiffe.endpoint_spiffe_id`],
    baseline: 'default',
  },
  [`${FW}.bundle_endpoint_profile.https_spiffe.endpoint_spiffe_id`]: {
    kind: 'effect',
    field: 'server.federation.federatesWith.profile.endpointSpiffeId',
    readBy: 'core/src/federation/refresher/bundle-updater.ts',
    with: [`${FW}.bundle_endpoint_url`],
    baseline: 'default',
  },

  // Not in server_full.conf (which shows the https_spiffe profile and the acme block of https_web).
  [`${FW}.bundle_endpoint_profile.https_web`]: {
    kind: 'effect',
    field: 'server.federation.federatesWith.profile.type',
    readBy: 'core/src/federation/refresher/bundle-fetch.ts',
    reads: 'https_web',
    with: [`${FW}.bundle_endpoint_url`],
    baseline: 'default',
    sample: 'server { federation { federates_with "partner.test" { bundle_endpoint_profile "https_web" {} } } }',
  },
  [`${BE}.acme.domain_name`]: {
    kind: 'effect',
    field: 'server.federation.bundleEndpoint.profile.acme.domainName',
    readBy: acme,
    with: [`${BE}.acme.email`],
    baseline: 'default',
    sample: 'server { federation { bundle_endpoint { acme {\ndomain_name = "bundle.example.org"\nemail = "admin@example.org" } } } }',
  },

  [`${EXP}.cache_reload_interval`]: { kind: 'effect', field: 'server.experimental.cacheReloadIntervalMs', readBy: srv, probe: '"10s"' },
  [`${EXP}.events_based_cache`]: { kind: 'effect', field: 'server.experimental.eventsBasedCache', readBy: srv, probe: 'true' },
  [`${EXP}.full_cache_reload_interval`]: { kind: 'effect', field: 'server.experimental.fullCacheReloadIntervalMs', readBy: srv, probe: '"12h"' },
  [`${EXP}.prune_events_older_than`]: { kind: 'effect', field: 'server.experimental.pruneEventsOlderThanMs', readBy: srv, probe: '"6h"' },
  [`${EXP}.event_timeout`]: { kind: 'effect', field: 'server.experimental.eventTimeoutMs', readBy: srv, probe: '"20m"' },
  [`${EXP}.sql_transaction_timeout`]: {
    kind: 'effect',
    field: 'server.experimental.eventTimeoutMs',
    readBy: srv,
    sample: 'server { experimental { sql_transaction_timeout = "20m" } }',
  },
  [`${EXP}.agent_spiffe_id_as_selector`]: { kind: 'effect', field: 'server.experimental.agentSpiffeIdAsSelector', readBy: srv, probe: 'true' },
  [`${EXP}.require_pq_kem`]: {
    kind: 'refused',
    probe: 'true',
    why: 'the TLS listeners do not restrict key exchange to post-quantum groups; false is accepted',
  },
  [`${EXP}.wit_key_type`]: { kind: 'refused', why: WIT },
  [`${EXP}.wit_issuer`]: { kind: 'refused', why: WIT },
  [`${EXP}.feature_flags`]: {
    kind: 'refused',
    probe: '["wit-svid"]',
    why: `"wit-svid": ${WIT}; the test flag "i_am_a_test_flag" is accepted (it only logs, as in SPIRE)`,
  },
  // The policy reaches the API's authorizer; a rego_path that is not SPIRE's default policy.rego
  // is refused by name (this server evaluates SPIRE's policy natively; see docs/authorization.md).
  [`${OPA}.rego_path`]: {
    kind: 'effect',
    field: 'server.experimental.authOpaPolicyEngine.policy',
    readBy: api,
    reads: 'authOpaPolicyEngine',
    baseline: 'default',
  },
  [`${OPA}.policy_data_path`]: {
    kind: 'effect',
    field: 'server.experimental.authOpaPolicyEngine.policy',
    readBy: api,
    reads: 'authOpaPolicyEngine',
    with: [`${OPA}.rego_path`],
  },
  [`${EXP}.max_pending_svids`]: { kind: 'effect', field: 'server.experimental.maxPendingSvids', readBy: srv, probe: '2500' },
  [`${EXP}.named_pipe_name`]: { kind: 'refused', why: 'there is no named pipe listener; socket_path is the admin API (also on Windows)' },

  'plugins.DataStore.sql.plugin_data': { kind: 'effect', field: 'plugins.data', readBy: catalog },
  'plugins.KeyManager.disk.plugin_checksum': {
    kind: 'refused',
    probe: '"0123456789abcdef"',
    why: 'a checksum is of plugin_cmd, so it is refused on a built-in; an empty string is accepted',
  },
  'plugins.KeyManager.disk.enabled': { kind: 'effect', field: 'plugins.enabled', readBy: catalog, probe: 'false' },
  'plugins.KeyManager.disk.plugin_data': { kind: 'effect', field: 'plugins.data', readBy: catalog },
  'plugins.NodeAttestor.join_token.plugin_data': { kind: 'effect', field: 'plugins.data', readBy: catalog, probe: '{ foo = "bar" }' },
  [`${EXT}.plugin_cmd`]: { kind: 'effect', field: 'plugins.pluginCmd', readBy: loader },
  [`${EXT}.plugin_args`]: { kind: 'effect', field: 'plugins.pluginArgs', readBy: loader, with: [`${EXT}.plugin_cmd`] },
  [`${EXT}.plugin_checksum`]: { kind: 'effect', field: 'plugins.pluginChecksum', readBy: loader, with: [`${EXT}.plugin_cmd`] },
  [`${EXT}.plugin_data_file`]: {
    kind: 'effect',
    field: 'plugins.dataText',
    readBy: loader,
    probe: '"packages/core/src/config/testdata/notifier.hcl"',
    with: [`${EXT}.plugin_cmd`],
  },

  'telemetry.Prometheus.host': { kind: 'effect', field: 'telemetry.prometheus.host', readBy: prom, probe: '"0.0.0.0"' },
  'telemetry.Prometheus.port': { kind: 'effect', field: 'telemetry.prometheus.port', readBy: prom },
  'telemetry.MetricPrefix': { kind: 'effect', field: 'telemetry.metricPrefix', readBy: tel, probe: '"spire_ts"' },
  'telemetry.EnableTrustDomainLabel': { kind: 'effect', field: 'telemetry.enableTrustDomainLabel', readBy: tel, probe: 'true' },
  'telemetry.EnableHostnameLabel': { kind: 'effect', field: 'telemetry.enableHostnameLabel', readBy: tel, probe: 'false' },
  'telemetry.AllowedPrefixes': { kind: 'effect', field: 'telemetry.allowedPrefixes', readBy: filters, probe: '["spire_server.ca"]' },
  'telemetry.BlockedPrefixes': { kind: 'effect', field: 'telemetry.blockedPrefixes', readBy: filters, probe: '["spire_server.datastore"]' },
  'telemetry.AllowedLabels': { kind: 'effect', field: 'telemetry.allowedLabels', readBy: filters, probe: '["method"]' },
  'telemetry.BlockedLabels': { kind: 'effect', field: 'telemetry.blockedLabels', readBy: filters, probe: '["caller_id"]' },
  // The sinks: each block or key reaches telemetry/ (telemetry.ts starts the sinks; prometheus-tls.ts serves TLS).
  'telemetry.DogStatsd': { kind: 'effect', field: 'telemetry.dogStatsd', readBy: tel },
  'telemetry.Statsd': { kind: 'effect', field: 'telemetry.statsd', readBy: tel },
  'telemetry.InMem': { kind: 'effect', field: 'telemetry.inMem', readBy: tel, sample: 'telemetry { InMem {} }' },
  'telemetry.Prometheus.tls.use_spire_svid': {
    kind: 'effect',
    field: 'telemetry.prometheus.tls.useSpireSvid',
    readBy: promTls,
    baseline: 'default',
    probe: 'true',
    sampleWith: ['telemetry.Prometheus.tls.cert_file', 'telemetry.Prometheus.tls.key_file'],
    sample: 'telemetry { Prometheus { tls { use_spire_svid = true } } }',
  },
  'telemetry.Prometheus.tls.cert_file': {
    kind: 'effect',
    field: 'telemetry.prometheus.tls.certFile',
    readBy: promTls,
    baseline: 'default',
    with: ['telemetry.Prometheus.tls.key_file'],
    sample: 'telemetry { Prometheus { tls { cert_file = "/etc/spire/metrics.crt"\nkey_file = "/etc/spire/metrics.key" } } }',
  },
  'telemetry.Prometheus.tls.key_file': {
    kind: 'effect',
    field: 'telemetry.prometheus.tls.keyFile',
    readBy: promTls,
    baseline: 'default',
    with: ['telemetry.Prometheus.tls.cert_file'],
    sample: 'telemetry { Prometheus { tls { cert_file = "/etc/spire/metrics.crt"\nkey_file = "/etc/spire/metrics.key" } } }',
  },
  'telemetry.Prometheus.tls.client_ca_file': {
    kind: 'effect',
    field: 'telemetry.prometheus.tls.clientCaFile',
    readBy: promTls,
    with: ['telemetry.Prometheus.tls.cert_file', 'telemetry.Prometheus.tls.key_file'],
    sample: 'telemetry { Prometheus { tls { use_spire_svid = true\nclient_ca_file = "/etc/spire/ca.pem" } } }',
  },
  'telemetry.Prometheus.tls.authorized_spiffe_ids': {
    kind: 'effect',
    field: 'telemetry.prometheus.tls.authorizedSpiffeIds',
    readBy: promTls,
    with: ['telemetry.Prometheus.tls.cert_file', 'telemetry.Prometheus.tls.key_file'],
    sample: 'telemetry { Prometheus { tls { use_spire_svid = true\nauthorized_spiffe_ids = ["spiffe://example.org/scraper"] } } }',
  },
  'telemetry.M3.address': {
    kind: 'refused',
    problem: 'telemetry.M3',
    sample: 'telemetry { M3 { address = "localhost:9052"\nenv = "prod" } }',
    why: 'the M3 sink is not implemented',
  },

  'health_checks.listener_enabled': { kind: 'effect', field: 'healthChecks.listenerEnabled', readBy: srv, probe: 'true' },
  'health_checks.bind_address': { kind: 'effect', field: 'healthChecks.bindAddress', readBy: health, probe: '"127.0.0.1"' },
  'health_checks.bind_port': { kind: 'effect', field: 'healthChecks.bindPort', readBy: health, probe: '8080' },
  'health_checks.live_path': { kind: 'effect', field: 'healthChecks.livePath', readBy: health, probe: '"/alive"' },
  'health_checks.ready_path': { kind: 'effect', field: 'healthChecks.readyPath', readBy: health, probe: '"/isready"' },
};
