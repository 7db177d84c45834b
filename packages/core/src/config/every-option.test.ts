import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { loadServerConfig } from './load.js';
import { formatProblem } from './problem.js';
import { fixturePath } from './test-support.js';

const dir = dirname(fixturePath('every-option.conf'));

test('every option of the reference is read with the value written', async () => {
  const { config, problems } = await loadServerConfig({ path: 'every-option.conf', cwd: dir });
  assert.deepEqual(problems.map(formatProblem), []);
  assert.ok(config);
  const s = config.server;
  assert.equal(s.trustDomain.name, 'example.org');
  assert.deepEqual(
    { ...s, trustDomain: undefined, federation: undefined, experimental: undefined },
    {
      trustDomain: undefined,
      federation: undefined,
      experimental: undefined,
      adminIds: ['spiffe://example.org/admin', 'spiffe://fed.test/ops'],
      agentTtlMs: 2 * 3_600_000,
      auditLogEnabled: true,
      bindAddress: '127.0.0.1',
      bindPort: 9081,
      caKeyType: 'rsa-2048',
      caSubject: { country: ['DE'], organization: ['Acme', 'Acme Labs'], commonName: 'Acme CA' },
      caTtlMs: 96 * 3_600_000,
      dataDir: join(dir, 'data-dir'),
      defaultX509SvidTtlMs: 6 * 3_600_000,
      defaultJwtSvidTtlMs: 10 * 60_000,
      disableJwtSvids: true,
      excludeSnFromCaSubject: false,
      jwtIssuer: 'https://oidc.example.org',
      jwtKeyType: 'ec-p384',
      logFile: '/var/log/spire-server.log',
      logLevel: 'DEBUG',
      logFormat: 'json',
      logSourceLocation: true,
      profilingEnabled: true,
      profilingPort: 6060,
      profilingFreq: 30,
      profilingNames: ['heap', 'cpu'],
      proxyProtocolTrustedCidrs: [],
      pruneAttestedNodesExpiredForMs: 720 * 3_600_000,
      pruneAttestedNodesBatchSize: 250,
      pruneTofuNodes: true,
      maxAttestedNodeInfoStalenessMs: 30_000,
      socketPath: join(dir, 'sock', 'api.sock'),
      ratelimit: { attestation: false, signing: false },
    },
  );
  assert.deepEqual(s.federation.bundleEndpoint, {
    address: '0.0.0.0',
    port: 8443,
    refreshHintMs: 10 * 60_000,
    profile: {
      type: 'https_web',
      servingCertFile: { certFilePath: '/certs/be.crt', keyFilePath: '/certs/be.key', fileSyncIntervalMs: 30 * 60_000 },
    },
  });
  assert.deepEqual(
    s.federation.federatesWith.map((f) => [f.trustDomain.name, f.bundleEndpointUrl, f.profile]),
    [
      ['fed.test', 'https://fed.test:8443', { type: 'https_spiffe', endpointSpiffeId: 'spiffe://fed.test/spire/server' }],
      ['web.test', 'https://web.test/bundle', { type: 'https_web' }],
    ],
  );
  assert.deepEqual(s.experimental, {
    agentSpiffeIdAsSelector: true,
    authOpaPolicyEngine: {
      local: { regoPath: './policy.rego', policyDataPath: './policy_data.json' },
      policy: {
        apis: [
          {
            fullMethod: '/spire.api.server.bundle.v1.Bundle/GetBundle',
            allowAny: true,
            allowLocal: false,
            allowAdmin: false,
            allowDownstream: false,
            allowAgent: false,
            allowCallers: [],
          },
        ],
      },
    },
    cacheReloadIntervalMs: 10_000,
    fullCacheReloadIntervalMs: 12 * 3_600_000,
    eventsBasedCache: true,
    pruneEventsOlderThanMs: 6 * 3_600_000,
    eventTimeoutMs: 20 * 60_000,
    requirePqKem: false,
    maxPendingSvids: 2500,
    witKeyType: 'rsa-2048',
    featureFlags: ['i_am_a_test_flag'],
  });
  assert.deepEqual(config.telemetry, {
    prometheus: { host: '0.0.0.0', port: 9988, tls: { certFile: 'metrics.crt', keyFile: 'metrics.key', useSpireSvid: false, authorizedSpiffeIds: ['spiffe://example.org/scraper'] } },
    dogStatsd: [{ address: '127.0.0.1:8125' }],
    statsd: [{ address: 'statsd.example.org:8125' }, { address: '[::1]:8126' }],
    m3: [],
    inMem: true,
    metricPrefix: 'spire_ts',
    enableTrustDomainLabel: true,
    enableHostnameLabel: false,
    allowedPrefixes: ['spire_server.ca'],
    blockedPrefixes: ['spire_server.datastore'],
    allowedLabels: ['method'],
    blockedLabels: ['caller_id'],
  });
  assert.deepEqual(config.healthChecks, {
    listenerEnabled: true,
    bindAddress: '0.0.0.0',
    bindPort: 8080,
    livePath: '/alive',
    readyPath: '/isready',
  });
});

test('every plugin form is read, in file order', async () => {
  const { config } = await loadServerConfig({ path: 'every-option.conf', cwd: dir });
  assert.ok(config);
  assert.deepEqual(
    config.plugins.map((p) => `${p.type}/${p.name}`),
    ['DataStore/sql', 'KeyManager/disk', 'NodeAttestor/join_token', 'NodeAttestor/x509pop', 'Notifier/k8sbundle'],
  );
  const [sql, disk, jt, x509pop, notifier] = config.plugins;
  assert.deepEqual(sql?.data, { database_type: 'sqlite3', connection_string: './data-dir/datastore.sqlite3' });
  // What SPIRE sends: the block's members as HCL 1's printer lays them out.
  assert.equal(sql!.dataText, 'database_type = "sqlite3"\n\nconnection_string = "./data-dir/datastore.sqlite3"');
  assert.deepEqual(disk?.data, { keys_path: './data-dir/keys.json' });
  assert.deepEqual([jt?.data, jt?.dataText, jt?.enabled], [{}, '', true]);
  assert.deepEqual(x509pop, {
    type: 'NodeAttestor',
    name: 'x509pop',
    pluginCmd: '/opt/plugins/x509pop',
    pluginArgs: ['-v'],
    pluginChecksum: '0123456789abcdef',
    enabled: false,
    data: { ca_bundle_path: '/certs/ca.pem' },
    dataText: '<<EOF\nca_bundle_path = "/certs/ca.pem"\nEOF',
  });
  assert.deepEqual(notifier?.data, { namespace: 'spire', config_map: 'trust-bundle' });
  assert.equal(notifier?.dataFile, join(dir, 'notifier.hcl'));
  assert.match(notifier!.dataText, /config_map = "trust-bundle"/);
});

test('the JSON form of a config reads the same way', async () => {
  const { config, problems } = await loadServerConfig({ path: 'every-option.json', cwd: dir });
  assert.deepEqual(problems.map(formatProblem), []);
  assert.ok(config);
  assert.equal(config.server.bindPort, 9081);
  assert.deepEqual(config.server.caSubject, { country: ['DE'], organization: ['Acme'], commonName: 'Acme CA' });
  assert.deepEqual(config.server.ratelimit, { attestation: false, signing: true });
  assert.deepEqual(config.server.federation.bundleEndpoint?.profile, {
    type: 'https_web',
    acme: {
      directoryUrl: 'https://acme-v02.api.letsencrypt.org/directory',
      domainName: 'example.org',
      email: 'ops@example.org',
      tosAccepted: true,
      cacheDir: join(dir, 'data-dir', 'bundle-acme'),
    },
  });
  assert.deepEqual(config.server.federation.federatesWith[0]?.profile, {
    type: 'https_spiffe',
    endpointSpiffeId: 'spiffe://fed.test/spire/server',
  });
  assert.equal(config.server.experimental.eventsBasedCache, true);
  assert.deepEqual(
    config.plugins.map((p) => [p.type, p.name, p.data]),
    [
      ['DataStore', 'sql', { database_type: 'sqlite3', connection_string: './data-dir/ds.sqlite3' }],
      ['KeyManager', 'memory', {}],
      ['NodeAttestor', 'join_token', {}],
    ],
  );
  assert.deepEqual(config.telemetry.prometheus, { host: 'localhost', port: 1337 });
  assert.equal(config.telemetry.enableHostnameLabel, false);
  assert.deepEqual([config.healthChecks.listenerEnabled, config.healthChecks.bindPort], [true, 8080]);
});
