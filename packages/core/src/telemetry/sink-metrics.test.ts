import { test } from 'node:test';
import assert from 'node:assert/strict';
import { prometheusTestMetrics } from './prometheus-test-metrics.js';
import type { NamingOptions } from './sink-metrics.js';

const setup = (opts: Partial<NamingOptions> = {}) => prometheusTestMetrics({ baseLabels: { host: 'h1' }, ...opts });

test("a call counter gives a counter without _total and a millisecond summary with upstream's quantiles", async () => {
  const { sink, metrics } = setup();
  const calls = metrics.callCounter(['rpc', 'entry', 'v1', 'entry', 'batch_create_entry']);
  calls.done('OK', 2);
  calls.done('OK', 4);
  calls.done('InvalidArgument', 1);
  const text = await sink.text();
  assert.match(text, /^# TYPE spire_server_rpc_entry_v1_entry_batch_create_entry counter$/m);
  assert.match(text, /^spire_server_rpc_entry_v1_entry_batch_create_entry\{host="h1",status="OK"\} 2$/m);
  assert.match(text, /^spire_server_rpc_entry_v1_entry_batch_create_entry\{host="h1",status="InvalidArgument"\} 1$/m);
  assert.doesNotMatch(text, /_total/);
  assert.match(text, /^# TYPE spire_server_rpc_entry_v1_entry_batch_create_entry_elapsed_time summary$/m);
  for (const q of ['0.5', '0.9', '0.99']) assert.match(text, new RegExp(`^spire_server_rpc_entry_v1_entry_batch_create_entry_elapsed_time\\{quantile="${q}",host="h1",status="OK"\\} `, 'm'));
  assert.match(text, /^spire_server_rpc_entry_v1_entry_batch_create_entry_elapsed_time_sum\{host="h1",status="OK"\} 6$/m);
  assert.match(text, /^spire_server_rpc_entry_v1_entry_batch_create_entry_elapsed_time_count\{host="h1",status="OK"\} 2$/m);
});

test('gauges keep the last value; label values are sanitized; MetricPrefix replaces spire_server', async () => {
  const { sink, metrics } = setup({ metricPrefix: 'acme' });
  metrics.setGauge(['started'], 1, { version: '1.16.0', trust_domain_id: 'example.org' });
  metrics.setGauge(['uptime_in_ms'], 5);
  metrics.setGauge(['uptime_in_ms'], 7);
  const text = await sink.text();
  assert.match(text, /^acme_started\{host="h1",trust_domain_id="example_org",version="1_16_0"\} 1$/m);
  assert.match(text, /^acme_uptime_in_ms\{host="h1"\} 7$/m);
  assert.doesNotMatch(text, /spire_server/);
});

test('blocked prefixes and labels are not emitted', async () => {
  const { sink, metrics } = setup({ blockedPrefixes: ['spire_server.rpc.svid'], blockedLabels: ['host'] });
  metrics.callCounter(['rpc', 'svid', 'v1', 'svid', 'new_jwtsvid']).done('OK', 1);
  metrics.callCounter(['rpc', 'entry', 'v1', 'entry', 'list_entries']).done('OK', 1);
  metrics.incrCounter(['server_ca', 'sign', 'x509_svid']);
  const text = await sink.text();
  assert.doesNotMatch(text, /svid_new_jwtsvid/);
  assert.match(text, /^spire_server_rpc_entry_v1_entry_list_entries\{status="OK"\} 1$/m);
  assert.match(text, /^spire_server_server_ca_sign_x509_svid 1$/m);
  assert.doesNotMatch(text, /host=/);
});

test('a second use of a name with other label names or another type is dropped, not thrown', async () => {
  const { sink, metrics } = setup();
  metrics.incrCounter(['x'], 1, { a: '1' });
  metrics.incrCounter(['x'], 1, { b: '1' });
  metrics.setGauge(['x'], 3, { a: '1' });
  metrics.incrCounter(['x'], 2, { a: '1' });
  const text = await sink.text();
  assert.match(text, /^spire_server_x\{a="1",host="h1"\} 3$/m);
  assert.doesNotMatch(text, /b="1"/);
});
