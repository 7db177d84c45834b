import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseServerConfigText } from './load.js';
import { formatProblem } from './problem.js';
import { minimalConfig } from './test-support.js';

test('a minimal config gets every documented default', () => {
  const { config, problems, warnings } = parseServerConfigText(minimalConfig(), { filename: 'server.conf', cwd: '/work' });
  assert.deepEqual(problems, []);
  assert.deepEqual(warnings, []);
  assert.ok(config);
  const s = config.server;
  assert.equal(s.trustDomain.name, 'example.org');
  assert.deepEqual(
    { ...s, trustDomain: undefined },
    {
      trustDomain: undefined,
      bindAddress: '0.0.0.0',
      bindPort: 8081,
      socketPath: '/tmp/spire-server/private/api.sock',
      dataDir: '/var/lib/spire',
      logLevel: 'INFO',
      logFormat: 'text',
      logSourceLocation: false,
      caKeyType: 'ec-p256',
      jwtKeyType: 'ec-p256',
      caTtlMs: 24 * 3_600_000,
      defaultX509SvidTtlMs: 3_600_000,
      defaultJwtSvidTtlMs: 5 * 60_000,
      caSubject: { country: ['US'], organization: ['SPIFFE'], commonName: '' },
      adminIds: [],
      auditLogEnabled: false,
      excludeSnFromCaSubject: false,
      disableJwtSvids: false,
      ratelimit: { attestation: true, signing: true },
      federation: { federatesWith: [] },
      experimental: {
        agentSpiffeIdAsSelector: false,
        cacheReloadIntervalMs: 5_000,
        fullCacheReloadIntervalMs: 24 * 3_600_000,
        eventsBasedCache: false,
        pruneEventsOlderThanMs: 12 * 3_600_000,
        eventTimeoutMs: 15 * 60_000,
        requirePqKem: false,
        witKeyType: 'ec-p256',
        featureFlags: [],
      },
      proxyProtocolTrustedCidrs: [],
      pruneAttestedNodesBatchSize: 1000,
      pruneTofuNodes: false,
      maxAttestedNodeInfoStalenessMs: 0,
      profilingEnabled: false,
      profilingPort: 0,
      profilingFreq: 0,
      profilingNames: [],
    },
  );
  assert.deepEqual(config.healthChecks, { listenerEnabled: false, bindAddress: 'localhost', bindPort: 80, livePath: '/live', readyPath: '/ready' });
  assert.deepEqual(config.telemetry, {
    dogStatsd: [],
    statsd: [],
    m3: [],
    inMem: false,
    metricPrefix: 'spire_server',
    enableTrustDomainLabel: false,
    enableHostnameLabel: true,
    allowedPrefixes: [],
    blockedPrefixes: [],
    allowedLabels: [],
    blockedLabels: [],
  });
});

test('relative data_dir and socket_path resolve against the working directory', () => {
  const { config } = parseServerConfigText(
    'server {\n trust_domain = "example.org"\n data_dir = "./.data"\n socket_path = "run/api.sock"\n}\nplugins {}\n',
    { filename: 'server.conf', cwd: '/srv/spire' },
  );
  assert.equal(config?.server.dataDir, '/srv/spire/.data');
  assert.equal(config?.server.socketPath, '/srv/spire/run/api.sock');
});

test('jwt_key_type (and the unused WIT key type) follow ca_key_type unless set', () => {
  const { config } = parseServerConfigText(minimalConfig('ca_key_type = "rsa-4096"'), { filename: 'server.conf' });
  assert.deepEqual([config?.server.caKeyType, config?.server.jwtKeyType, config?.server.experimental.witKeyType], ['rsa-4096', 'rsa-4096', 'rsa-4096']);
});

test('an empty ca_subject falls back to the default, with a warning', () => {
  const r = parseServerConfigText(minimalConfig('ca_subject {}'), { filename: 'server.conf' });
  assert.deepEqual(r.config?.server.caSubject, { country: ['US'], organization: ['SPIFFE'], commonName: '' });
  assert.deepEqual(r.warnings.map(formatProblem), ['server.conf:4: server.ca_subject: ca_subject configurable is set but empty; the default will be used']);
});

test('numeric strings and numbers convert as SPIRE\'s decoder does', () => {
  const { config, problems } = parseServerConfigText(
    minimalConfig('bind_port = "8443"\nlog_source_location = "true"\njwt_issuer = 42'),
    { filename: 'server.conf' },
  );
  assert.deepEqual(problems, []);
  assert.deepEqual([config?.server.bindPort, config?.server.logSourceLocation, config?.server.jwtIssuer], [8443, true, '42']);
});

test('the deprecated sql_transaction_timeout sets the event timeout, with a warning', () => {
  const r = parseServerConfigText(minimalConfig('experimental { sql_transaction_timeout = "2m" }'), { filename: 'server.conf' });
  assert.equal(r.config?.server.experimental.eventTimeoutMs, 120_000);
  assert.match(r.warnings.map(formatProblem).join('\n'), /server\.experimental\.sql_transaction_timeout: experimental\.sql_transaction_timeout is deprecated/);
});

test('any experimental option, and each feature flag, gives SPIRE\'s warnings', () => {
  const r = parseServerConfigText(minimalConfig('experimental {\n feature_flags = ["i_am_a_test_flag"]\n}'), { filename: 'server.conf' });
  assert.ok(r.config);
  assert.deepEqual(r.warnings.map(formatProblem), [
    'server.conf:4: server.experimental: Experimental features have been enabled. Please see doc/upgrading.md for upgrade and compatibility considerations for experimental features.',
    'server.conf:5: server.experimental.feature_flags: Developer feature flag "i_am_a_test_flag" has been enabled',
  ]);
});

test('exclude_sn_from_ca_subject is read (the CA honours it)', () => {
  const { config, problems } = parseServerConfigText(minimalConfig('  exclude_sn_from_ca_subject = true'), { filename: 'server.conf' });
  assert.deepEqual(problems, []);
  assert.equal(config?.server.excludeSnFromCaSubject, true);
});
