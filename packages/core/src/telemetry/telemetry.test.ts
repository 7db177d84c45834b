import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
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
