// A real Prometheus server (Debian's `prometheus` package) scrapes a running `spire-server run`
// with telemetry.Prometheus on, and PromQL through its HTTP API finds SPIRE's series by their
// upstream names (docs/telemetry.md).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ServerProcess, freePort } from './harness.js';

const PROMETHEUS_BIN = '/usr/bin/prometheus';

function prometheusSkip(): string | false {
  if (existsSync(PROMETHEUS_BIN) || process.env.CI === 'true') return false;
  return `prometheus is not installed (${PROMETHEUS_BIN}); apt-get install -y prometheus to run this test`;
}

interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

describe('a real Prometheus scrapes spire-server run', { skip: prometheusSkip(), timeout: 120_000 }, () => {
  const server = new ServerProcess('example.org');
  let prom: ChildProcess | undefined;
  let promOutput = '';
  let promPort = 0;

  /** Runs an instant PromQL query until it returns samples (Prometheus scrapes every second). */
  async function query(promql: string): Promise<Sample[]> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        const res = await fetch(`http://127.0.0.1:${promPort}/api/v1/query?query=${encodeURIComponent(promql)}`);
        const body = (await res.json()) as { status: string; data?: { result: Sample[] } };
        if (body.status === 'success' && body.data && body.data.result.length > 0) return body.data.result;
      } catch {
        // Prometheus is still starting.
      }
      if (Date.now() > deadline) throw new Error(`no samples for ${promql} in 30 s; prometheus said:\n${promOutput}\nserver said:\n${server.log()}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  before(async () => {
    const metricsPort = await freePort();
    await server.start({ logLevel: 'INFO', extraBlocks: `telemetry {\n  Prometheus {\n    host = "127.0.0.1"\n    port = ${metricsPort}\n  }\n}` });
    promPort = await freePort();
    const dir = join(server.dir, 'prometheus');
    mkdirSync(dir);
    const conf = join(dir, 'prometheus.yml');
    writeFileSync(
      conf,
      `global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: spire-server\n    static_configs:\n      - targets: ["127.0.0.1:${metricsPort}"]\n`,
    );
    prom = spawn(PROMETHEUS_BIN, [`--config.file=${conf}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${promPort}`], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    prom.stdout!.on('data', (d: Buffer) => (promOutput += d.toString()));
    prom.stderr!.on('data', (d: Buffer) => (promOutput += d.toString()));
  });
  after(async () => {
    const p = prom;
    if (p && p.exitCode === null && p.signalCode === null) {
      const gone = new Promise((r) => p.once('exit', r));
      p.kill('SIGTERM');
      await gone;
    }
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
