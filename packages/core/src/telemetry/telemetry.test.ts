import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { silentLogger } from '../log/logger.js';
import { NOOP_METRICS } from './metrics.js';
import { startTelemetry, type TelemetryOptions } from './telemetry.js';

const base: TelemetryOptions = {
  metricPrefix: 'spire_server',
  enableTrustDomainLabel: true,
  enableHostnameLabel: true,
  allowedPrefixes: [],
  blockedPrefixes: [],
  allowedLabels: [],
  blockedLabels: [],
};

test('without a sink the facade is the no-op one and nothing listens', async () => {
  const t = await startTelemetry(base, { trustDomain: 'example.org', log: silentLogger() });
  assert.equal(t.metrics, NOOP_METRICS);
  assert.equal(t.prometheusPort, undefined);
  assert.equal(t.dumpInMem(), '');
  await t.stop();
});

test('the Prometheus listener answers on every path with the host and trust_domain labels; stop is idempotent', async () => {
  const t = await startTelemetry({ ...base, prometheus: { host: '127.0.0.1', port: 0 } }, { trustDomain: 'example.org', log: silentLogger(), hostname: 'node-1.local' });
  try {
    for (const path of ['/metrics', '/', '/anything']) {
      const text = await (await fetch(`http://127.0.0.1:${t.prometheusPort}${path}`)).text();
      assert.match(text, /^spire_server_started\{host="node_1_local",trust_domain="example_org",trust_domain_id="example_org",version="[\w]+"\} 1$/m, path);
    }
    const head = await fetch(`http://127.0.0.1:${t.prometheusPort}/metrics`, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(await head.text(), '');
  } finally {
    await t.stop();
    await t.stop();
  }
});

test('an address that cannot be listened on rejects', async () => {
  const busy = createServer();
  await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
  const port = (busy.address() as { port: number }).port;
  try {
    await assert.rejects(startTelemetry({ ...base, prometheus: { host: '127.0.0.1', port } }, { trustDomain: 'example.org', log: silentLogger() }), {
      code: 14,
      message: `cannot listen for Prometheus metrics (telemetry.Prometheus) on 127.0.0.1:${port}: listen EADDRINUSE: address already in use 127.0.0.1:${port}`,
    });
  } finally {
    busy.close();
  }
});

test('Statsd and DogStatsd sinks get started at start-up; stop flushes them', async () => {
  const udp = createSocket('udp4');
  const lines: string[] = [];
  udp.on('message', (m) => lines.push(...m.toString().split('\n')));
  await new Promise<void>((r) => udp.bind(0, '127.0.0.1', r));
  const address = `127.0.0.1:${udp.address().port}`;
  const t = await startTelemetry({ ...base, statsd: [{ address }], dogStatsd: [{ address }] }, { trustDomain: 'example.org', log: silentLogger(), hostname: 'h1' });
  await t.stop();
  for (let i = 0; i < 50 && lines.length < 4; i++) await new Promise((r) => setTimeout(r, 20));
  udp.close();
  assert.ok(lines.some((l) => /^spire_server\.started\.\w+\.example_org\.example_org\.h1:1\|g$/.test(l)), lines.join('\n'));
  assert.ok(lines.some((l) => /^spire_server\.started:1\|g\|#version:\w+,trust_domain_id:example_org,trust_domain:example_org,host:h1(\||$)/.test(l)), lines.join('\n'));
});

test('a StatsD address that is not host:port rejects start-up', async () => {
  await assert.rejects(startTelemetry({ ...base, statsd: [{ address: 'nope' }] }, { trustDomain: 'example.org', log: silentLogger() }), {
    code: 3,
    message: 'telemetry.Statsd.address: "nope" is not host:port',
  });
});

test('dumpInMem writes the InMem intervals to the log, one info line each', async () => {
  const logged: { level: number; msg: string }[] = [];
  const out = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const line of chunk.toString().split('\n')) if (line) logged.push(JSON.parse(line) as { level: number; msg: string });
      cb();
    },
  });
  let now = Date.UTC(2026, 0, 1, 0, 0, 0);
  const t = await startTelemetry({ ...base, enableTrustDomainLabel: false, inMem: true }, { trustDomain: 'example.org', log: pino(out), hostname: 'h1', now: () => now });
  t.metrics.incrCounter(['server_ca', 'sign', 'x509_svid']);
  now += 1000;
  const text = t.dumpInMem();
  await t.stop();
  const lines = text.trimEnd().split('\n');
  assert.equal(lines.length, 3);
  assert.match(lines[0]!, /^\[2026-01-01 00:00:00 \+0000 UTC\]\[G\] 'spire_server\.started\.\w+\.example_org\.h1': 1\.000$/);
  assert.match(lines[1]!, /^\[2026-01-01 00:00:00 \+0000 UTC\]\[G\] 'spire_server\.uptime_in_ms\.h1': \d+\.000$/);
  assert.equal(lines[2], "[2026-01-01 00:00:00 +0000 UTC][C] 'spire_server.server_ca.sign.x509_svid.h1': Count: 1 Sum: 1.000 LastUpdated: 2026-01-01 00:00:00 +0000 UTC");
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(logged.map((l) => [l.level, l.msg]), lines.map((l) => [30, l]));
});
