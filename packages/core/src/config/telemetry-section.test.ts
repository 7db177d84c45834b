import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseServerConfigText } from './load.js';
import { formatProblem } from './problem.js';
import { minimalConfig } from './test-support.js';

function load(telemetry: string) {
  return parseServerConfigText(`${minimalConfig()}telemetry {\n${telemetry}\n}\n`, { filename: 'server.conf' });
}

test('sinks written as repeated blocks or as lists', () => {
  const { config, problems } = load('Statsd { address = "a:1" }\nStatsd { address = "b:2" }\nDogStatsd { address = "d:3" }\nM3 = [{ address = "m:4" env = "dev" }]');
  assert.deepEqual(problems, []);
  assert.deepEqual(config!.telemetry.statsd, [{ address: 'a:1' }, { address: 'b:2' }]);
  assert.deepEqual(config!.telemetry.dogStatsd, [{ address: 'd:3' }]);
  assert.deepEqual(config!.telemetry.m3, [{ address: 'm:4', env: 'dev' }]);
});

test('Prometheus TLS rules and unknown keys in every telemetry block', () => {
  const { problems } = load(`Prometheus {
  tls {
    use_spire_svid = true
    cert_file = "c.pem"
    client_ca_file = "ca.pem"
    authorized_spiffe_ids = ["spiffe://example.org/p", "nope"]
  }
  scheme = "https"
}
Statsd = [{ address = "" }, { addr = "x" }]
InMem { enabled = false }
MetricsPrefix = "typo"`);
  assert.deepEqual(problems.map(formatProblem), [
    'server.conf:13: telemetry.Prometheus.tls.cert_file: cert_file and key_file cannot be configured when use_spire_svid is enabled',
    'server.conf:14: telemetry.Prometheus.tls.client_ca_file: client_ca_file cannot be configured with authorized_spiffe_ids',
    'server.conf:15: telemetry.Prometheus.tls.authorized_spiffe_ids: invalid SPIFFE ID "nope": scheme is missing or invalid',
    'server.conf:17: telemetry.Prometheus.scheme: unknown option',
    'server.conf:19: telemetry.Statsd[0].address: must be configured',
    'server.conf:19: telemetry.Statsd[1].address: must be configured',
    'server.conf:19: telemetry.Statsd[1].addr: unknown option',
    'server.conf:20: telemetry.InMem.enabled: unknown option',
    'server.conf:21: telemetry.MetricsPrefix: unknown option',
  ]);
});

test('Prometheus TLS without use_spire_svid needs both files', () => {
  const { problems } = load('Prometheus {\n port = 9\n tls { cert_file = "c" }\n}');
  assert.deepEqual(problems.map(formatProblem), [
    'server.conf:12: telemetry.Prometheus.tls: cert_file and key_file must both be configured unless use_spire_svid is enabled',
  ]);
});
