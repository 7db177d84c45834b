import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseServerConfigText } from './load.js';
import { formatProblem } from './problem.js';

function problems(text: string): string[] {
  const r = parseServerConfigText(text, { filename: 'server.conf', cwd: '/' });
  assert.equal(r.config, undefined, 'a config with problems must not be returned');
  return r.problems.map(formatProblem);
}

test('every problem is reported at once, each naming its option and line', () => {
  const got = problems(`server {
  trust_domain = "Not Valid"
  bind_port = 70000
  ca_ttl = "6x"
  default_x509_svid_ttl = "1y"
  ca_key_type = "dsa-1024"
  jwt_key_type = "ec-p999"
  log_level = "LOUD"
  log_format = "xml"
  admin_ids = ["spiffe://example.org/ok", "not-an-id"]
  bogus_key = 1
  ratelimit { attestation = "maybe"
    burst = 5 }
  proxy_protocol_trusted_cidrs = ["10.0.0.0/33"]
  ca_subject { country = "US"
    locality = "x" }
}
plugins {}
telemetry { Prometheus { port = "http" } }
health_checks { bind_port = "eighty"
  unknown = true }
surprise {}
`);
  assert.deepEqual(got, [
    // data_dir is missing: blamed on the server block
    'server.conf:1: server.data_dir: must be configured',
    'server.conf:2: server.trust_domain: could not parse trust_domain "Not Valid": trust domain characters are limited to lowercase letters, numbers, dots, dashes, and underscores',
    'server.conf:3: server.bind_port: invalid port 70000: must be between 1 and 65535',
    'server.conf:4: server.ca_ttl: invalid duration "6x"',
    'server.conf:5: server.default_x509_svid_ttl: invalid duration "1y"',
    'server.conf:6: server.ca_key_type: key type "dsa-1024" is unknown; must be one of [rsa-2048, rsa-4096, ec-p256, ec-p384]',
    'server.conf:7: server.jwt_key_type: key type "ec-p999" is unknown; must be one of [rsa-2048, rsa-4096, ec-p256, ec-p384]',
    'server.conf:8: server.log_level: invalid log level "LOUD"; must be one of DEBUG, INFO, WARN or ERROR',
    'server.conf:9: server.log_format: unknown logger format: "xml"; must be text or json',
    'server.conf:10: server.admin_ids: could not parse admin ID "not-an-id": scheme is missing or invalid',
    'server.conf:11: server.bogus_key: unknown option',
    'server.conf:12: server.ratelimit.attestation: expected a bool, got string "maybe"',
    'server.conf:13: server.ratelimit.burst: unknown option',
    'server.conf:14: server.proxy_protocol_trusted_cidrs: invalid proxy_protocol_trusted_cidrs value "10.0.0.0/33": invalid CIDR address: 10.0.0.0/33',
    'server.conf:16: server.ca_subject.locality: unknown option',
    'server.conf:19: telemetry.Prometheus.port: expected an integer, got string "http"',
    'server.conf:20: health_checks.bind_port: expected an integer, got string "eighty"',
    'server.conf:21: health_checks.unknown: unknown option',
    'server.conf:22: surprise: unknown option',
  ]);
});

test('required options: trust_domain, data_dir, the plugins section', () => {
  assert.deepEqual(problems('server {\n  bind_address = ""\n  bind_port = 0\n}\n'), [
    'server.conf:1: server.trust_domain: must be configured',
    'server.conf:1: server.data_dir: must be configured',
    'server.conf:2: server.bind_address: must be configured',
    'server.conf:3: server.bind_port: must be configured',
    'server.conf: plugins: plugins section must be configured',
  ]);
});

test('a syntax error is one problem naming file:line:col', () => {
  const r = parseServerConfigText('server {\n  trust_domain = "example.org"\n  data_dir = \n}\n', { filename: 'conf/server.conf' });
  assert.deepEqual(r.problems, [
    {
      option: '',
      message: "expected a value (string, number, bool, list or object), got '}'",
      file: 'conf/server.conf',
      line: 4,
      column: 1,
    },
  ]);
  assert.equal(formatProblem(r.problems[0]!), "conf/server.conf:4:1: expected a value (string, number, bool, list or object), got '}'");
});

test('a key declared twice is a problem with its line', () => {
  assert.deepEqual(problems('server {\n trust_domain = "a.test"\n data_dir = "/d"\n trust_domain = "b.test"\n}\nplugins {}\n'), [
    'server.conf:4: server.trust_domain: declared more than once',
  ]);
});

test('a block where a value is expected, and the reverse', () => {
  assert.deepEqual(problems('server = "x"\nplugins = 3\n'), [
    'server.conf:1: server: expected a block, got string "x"',
    'server.conf:2: plugins: expected a block, got number 3',
  ]);
});

test('durations, key types and TTLs', () => {
  assert.deepEqual(
    problems(`server {
  trust_domain = "example.org"
  data_dir = "/d"
  agent_ttl = "-1h"
  max_attested_node_info_staleness = "soon"
  prune_attested_nodes_expired_for = "1d"
  prune_attested_nodes_batch_size = 0
  profiling_names = ["heap", "disk"]
  experimental {
    cache_reload_interval = "5"
    event_timeout = "1m"
    sql_transaction_timeout = "1m"
    feature_flags = ["zzz", "wit-svid", "aaa"]
    wit_key_type = "ed25519"
    named_pipe_name = "\\\\spire"
    not_a_thing = true
    max_pending_svids = 0
  }
}
plugins {}
`),
    [
      'server.conf:4: server.agent_ttl: duration "-1h" must not be negative',
      'server.conf:5: server.max_attested_node_info_staleness: invalid duration "soon"',
      'server.conf:6: server.prune_attested_nodes_expired_for: invalid duration "1d"',
      'server.conf:7: server.prune_attested_nodes_batch_size: 0 is out of range [1, inf]',
      'server.conf:8: server.profiling_names: unknown profile "disk"; must be one of goroutine, threadcreate, heap, block, mutex, trace, cpu',
      'server.conf:10: server.experimental.cache_reload_interval: invalid duration "5"',
      'server.conf:12: server.experimental.sql_transaction_timeout: both experimental sql_transaction_timeout and event_timeout set, only set event_timeout',
      'server.conf:13: server.experimental.feature_flags: unknown feature flag(s): [aaa zzz]',
      'server.conf:13: server.experimental.feature_flags: feature flag "wit-svid": WIT-SVIDs are not implemented by this server (the SVID API answers Unimplemented); remove it',
      'server.conf:14: server.experimental.wit_key_type: key type "ed25519" is unknown; must be one of [rsa-2048, rsa-4096, ec-p256, ec-p384]',
      'server.conf:15: server.experimental.named_pipe_name: named_pipe_name is not supported in this platform; please use socket_path instead',
      'server.conf:16: server.experimental.not_a_thing: unknown option',
      'server.conf:17: server.experimental.max_pending_svids: 0 is out of range [1, inf]',
    ],
  );
});

test('problems in a JSON config name their line too', () => {
  const r = parseServerConfigText('{\n  "server": {\n    "trust_domain": "example.org",\n    "data_dir": "/d",\n    "ca_ttl": "6x",\n    "nope": 1\n  },\n  "plugins": {}\n}\n', {
    filename: 'server.json',
  });
  assert.deepEqual(r.problems.map(formatProblem), [
    'server.json:5: server.ca_ttl: invalid duration "6x"',
    'server.json:6: server.nope: unknown option',
  ]);
});
