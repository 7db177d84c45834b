// A real Prometheus server (Debian's `prometheus` package) scrapes a running `spire-server run`
// with telemetry.Prometheus on, and PromQL through its HTTP API finds SPIRE's series by their
// upstream names (docs/telemetry.md).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ServerProcess, freePort } from './harness.js';
import { PrometheusProcess, prometheusSkip, type Sample } from './prometheus-process.js';

describe('a real Prometheus scrapes spire-server run', { skip: prometheusSkip(), timeout: 120_000 }, () => {
  const server = new ServerProcess('example.org');
  const prom = new PrometheusProcess(server.dir);

  /** Runs an instant PromQL query until it returns samples (Prometheus scrapes every second). */
  const query = (promql: string): Promise<Sample[]> => prom.queryUntil(promql, () => `server said:\n${server.log()}`);

  before(async () => {
    const metricsPort = await freePort();
    await server.start({ logLevel: 'INFO', extraBlocks: `telemetry {\n  Prometheus {\n    host = "127.0.0.1"\n    port = ${metricsPort}\n  }\n}` });
    await prom.start([`127.0.0.1:${metricsPort}`]);
  });
  after(async () => {
    await prom.stop();
    await server.stop();
  });

  it('PromQL returns spire_server_started, the BatchCreateEntry call counter after an entry create, and the CA rotate TTL', async () => {
    server.cli('entry', 'create', '-parentID', 'spiffe://example.org/agent', '-spiffeID', 'spiffe://example.org/w', '-selector', 'unix:uid:1');
    const started = await query('spire_server_started');
    assert.equal(started[0]!.value[1], '1');
    assert.equal(started[0]!.metric.trust_domain_id, 'example_org');
    const calls = await query('spire_server_rpc_entry_v1_entry_batch_create_entry{status="OK"}');
    assert.equal(calls[0]!.value[1], '1');
    assert.equal(calls[0]!.metric.job, 'spire-server');
    const elapsed = await query('spire_server_rpc_entry_v1_entry_batch_create_entry_elapsed_time_count{status="OK"}');
    assert.equal(elapsed[0]!.value[1], '1');
    await query('spire_server_uptime_in_ms > 0');
    const ttl = await query('spire_server_manager_x509_ca_rotate_ttl');
    assert.ok(Number(ttl[0]!.value[1]) > 3600, `the active CA's remaining seconds: ${ttl[0]!.value[1]}`);
  });
});
