import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeHcl } from './hcl/decode.js';
import { parseServerConfigText } from './load.js';
import { parseConfigAst } from './parse-text.js';
import { formatProblem } from './problem.js';
import { SectionReader, type ReadContext } from './section-reader.js';
import { readTelemetry } from './telemetry-section.js';
import { minimalConfig } from './test-support.js';

function load(telemetry: string) {
  return parseServerConfigText(`${minimalConfig()}telemetry {\n${telemetry}\n}\n`, { filename: 'server.conf' });
}

/** Reads only the telemetry block, so the values of refused sinks can be checked too. */
function readOnly(telemetry: string) {
  const ctx: ReadContext = { file: 't.conf', problems: [], warnings: [] };
  const root = decodeHcl(parseConfigAst(`telemetry {\n${telemetry}\n}\n`, 't.conf')).value;
  const config = readTelemetry(new SectionReader(ctx, root.telemetry as Record<string, unknown>, ['telemetry']));
  return { config, problems: ctx.problems.map(formatProblem) };
}

test('sinks written as repeated blocks or as lists are read, and each sink not implemented is refused by name', () => {
  const { config, problems } = readOnly('Statsd { address = "a:1" }\nStatsd { address = "b:2" }\nDogStatsd { address = "d:3" }\nM3 = [{ address = "m:4" env = "dev" }]\nInMem {}');
  assert.deepEqual(config.statsd, [{ address: 'a:1' }, { address: 'b:2' }]);
  assert.deepEqual(config.dogStatsd, [{ address: 'd:3' }]);
  assert.deepEqual(config.m3, [{ address: 'm:4', env: 'dev' }]);
  assert.equal(config.inMem, true);
  assert.deepEqual(problems, [
    't.conf:4: telemetry.DogStatsd: the DogStatsd sink is not implemented yet (only Prometheus without tls is); remove it',
    't.conf:2: telemetry.Statsd: the Statsd sink is not implemented yet (only Prometheus without tls is); remove it',
    't.conf:5: telemetry.M3: the M3 sink is not implemented yet (only Prometheus without tls is); remove it',
    't.conf:6: telemetry.InMem: the InMem sink is not implemented yet (only Prometheus without tls is); remove it',
  ]);
});

test('validate refuses a sink that is not implemented, naming its key', () => {
  for (const sink of ['DogStatsd = [{ address = "d:1" }]', 'Statsd = [{ address = "s:1" }]', 'M3 = [{ address = "m:1" env = "e" }]', 'InMem {}']) {
    const { config, problems } = load(sink);
    const key = sink.split(' ')[0]!;
    assert.equal(config, undefined);
    assert.deepEqual(problems.map(formatProblem), [`server.conf:10: telemetry.${key}: the ${key} sink is not implemented yet (only Prometheus without tls is); remove it`]);
  }
});

test('Prometheus with host and port is accepted; host defaults to localhost', () => {
  assert.deepEqual(load('Prometheus { port = 9988 }').config?.telemetry.prometheus, { host: 'localhost', port: 9988 });
  assert.deepEqual(load('Prometheus {\n host = "0.0.0.0"\n port = 0\n}').config?.telemetry.prometheus, { host: '0.0.0.0', port: 0 });
  assert.equal(load('').config?.telemetry.prometheus, undefined);
  assert.equal(load('').config?.telemetry.inMem, false);
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
    'server.conf:11: telemetry.Prometheus.tls: the Prometheus tls block is not implemented yet (only Prometheus without tls is); remove it',
    'server.conf:13: telemetry.Prometheus.tls.cert_file: cert_file and key_file cannot be configured when use_spire_svid is enabled',
    'server.conf:14: telemetry.Prometheus.tls.client_ca_file: client_ca_file cannot be configured with authorized_spiffe_ids',
    'server.conf:15: telemetry.Prometheus.tls.authorized_spiffe_ids: invalid SPIFFE ID "nope": scheme is missing or invalid',
    'server.conf:17: telemetry.Prometheus.scheme: unknown option',
    'server.conf:19: telemetry.Statsd: the Statsd sink is not implemented yet (only Prometheus without tls is); remove it',
    'server.conf:19: telemetry.Statsd[0].address: must be configured',
    'server.conf:19: telemetry.Statsd[1].address: must be configured',
    'server.conf:19: telemetry.Statsd[1].addr: unknown option',
    'server.conf:20: telemetry.InMem: the InMem sink is not implemented yet (only Prometheus without tls is); remove it',
    'server.conf:20: telemetry.InMem.enabled: unknown option',
    'server.conf:21: telemetry.MetricsPrefix: unknown option',
  ]);
});

test('Prometheus TLS without use_spire_svid needs both files', () => {
  const { problems } = load('Prometheus {\n port = 9\n tls { cert_file = "c" }\n}');
  assert.deepEqual(problems.map(formatProblem), [
    'server.conf:12: telemetry.Prometheus.tls: the Prometheus tls block is not implemented yet (only Prometheus without tls is); remove it',
    'server.conf:12: telemetry.Prometheus.tls: cert_file and key_file must both be configured unless use_spire_svid is enabled',
  ]);
});
