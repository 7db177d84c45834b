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

const M3_REFUSED = 'the M3 sink is not supported: there is no maintained M3 (tally) client for Node; use Prometheus, Statsd or DogStatsd instead, and remove M3';

test('sinks written as repeated blocks or as lists are read; only M3 is refused, by name', () => {
  const { config, problems } = readOnly('Statsd { address = "a:1" }\nStatsd { address = "b:2" }\nDogStatsd { address = "d:3" }\nM3 = [{ address = "m:4" env = "dev" }]\nInMem {}');
  assert.deepEqual(config.statsd, [{ address: 'a:1' }, { address: 'b:2' }]);
  assert.deepEqual(config.dogStatsd, [{ address: 'd:3' }]);
  assert.deepEqual(config.m3, [{ address: 'm:4', env: 'dev' }]);
  assert.equal(config.inMem, true);
  assert.deepEqual(problems, [`t.conf:5: telemetry.M3: ${M3_REFUSED}`]);
});

test('Statsd, DogStatsd and InMem are accepted; M3 is refused at validate', () => {
  const { config, problems } = load('Statsd = [{ address = "127.0.0.1:8125" }]\nDogStatsd = [{ address = "[::1]:8126" }, { address = "dd:8125" }]\nInMem {}');
  assert.deepEqual(problems, []);
  assert.deepEqual(config?.telemetry.statsd, [{ address: '127.0.0.1:8125' }]);
  assert.deepEqual(config?.telemetry.dogStatsd, [{ address: '[::1]:8126' }, { address: 'dd:8125' }]);
  assert.equal(config?.telemetry.inMem, true);
  const m3 = load('M3 = [{ address = "m:1" env = "e" }]');
  assert.equal(m3.config, undefined);
  assert.deepEqual(m3.problems.map(formatProblem), [`server.conf:10: telemetry.M3: ${M3_REFUSED}`]);
});

test('a StatsD address must be host:port with a port from 1 to 65535', () => {
  const { problems } = load('Statsd = [{ address = "nope" }]\nDogStatsd = [{ address = "h:0" }, { address = "h:99999" }]');
  assert.deepEqual(problems.map(formatProblem), [
    'server.conf:10: telemetry.Statsd[0].address: "nope" is not host:port',
    'server.conf:11: telemetry.DogStatsd[0].address: port 0 of "h:0" is out of range',
    'server.conf:11: telemetry.DogStatsd[1].address: port 99999 of "h:99999" is out of range',
  ]);
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

test('a valid Prometheus tls block is accepted', () => {
  const { config, problems } = load('Prometheus {\n port = 9\n tls {\n  use_spire_svid = true\n  authorized_spiffe_ids = ["spiffe://example.org/scraper"]\n }\n}');
  assert.deepEqual(problems, []);
  assert.deepEqual(config?.telemetry.prometheus, { host: 'localhost', port: 9, tls: { useSpireSvid: true, authorizedSpiffeIds: ['spiffe://example.org/scraper'] } });
});
