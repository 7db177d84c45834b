import { test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import type { Logger } from '../../log/logger.js';
import { rpcMetricKey, startTelemetry } from '../../telemetry/index.js';
import { ConsoleCounterSink, MetricsSampler, type ConsoleCounterTotals } from './metrics-sampler.js';

test('the sampler keeps per-interval deltas of the totals, stamped by its clock, the last maxSamples only', () => {
  const totals: ConsoleCounterTotals = { x509Svids: 5, jwtSvids: 1, rpcErrors: 0 };
  let now = Date.parse('2026-01-02T03:04:00Z');
  const s = new MetricsSampler({ source: { totals: () => ({ ...totals }) }, now: () => now, maxSamples: 2 });
  totals.x509Svids += 3;
  totals.rpcErrors += 2;
  now += 10_000;
  s.sample();
  totals.jwtSvids += 4;
  now += 10_000;
  s.sample();
  assert.deepEqual(s.samples(), {
    intervalSeconds: 10,
    samples: [
      { t: '2026-01-02T03:04:10Z', x509Svids: 3, jwtSvids: 0, rpcErrors: 2 },
      { t: '2026-01-02T03:04:20Z', x509Svids: 0, jwtSvids: 4, rpcErrors: 0 },
    ],
  });
  now += 10_000;
  s.sample();
  assert.deepEqual(
    s.samples().samples.map((x) => x.t),
    ['2026-01-02T03:04:20Z', '2026-01-02T03:04:30Z'],
  );
});

test('ConsoleCounterSink, as an extra telemetry sink, counts SVID-issuing calls that succeeded and every failed call', async () => {
  const sink = new ConsoleCounterSink();
  const filters = { allowedPrefixes: [], blockedPrefixes: [], allowedLabels: [], blockedLabels: [] };
  const log = pino({ level: 'silent' }) as unknown as Logger;
  const telemetry = await startTelemetry({ metricPrefix: 'spire_server', enableTrustDomainLabel: true, enableHostnameLabel: false, ...filters }, { trustDomain: 'example.org', log, extraSinks: [sink] });
  const { metrics } = telemetry;
  // The keys the call pipeline counts under (api/handler.ts).
  const rpc = (path: string) => ['rpc', ...rpcMetricKey(path)];
  assert.equal(metrics.enabled, true, 'the extra sink turns the facade on with no sink configured');
  const mint = metrics.callCounter(rpc('/spire.api.server.svid.v1.SVID/MintX509SVID'));
  mint.done('OK', 1);
  mint.done('OK', 1);
  mint.done('InvalidArgument', 1);
  metrics.callCounter(rpc('/spire.api.server.svid.v1.SVID/NewJWTSVID')).done('OK', 1);
  metrics.callCounter(rpc('/spire.api.server.agent.v1.Agent/RenewAgent')).done('OK', 1);
  metrics.callCounter(rpc('/spire.api.server.entry.v1.Entry/ListEntries')).done('OK', 1);
  metrics.callCounter(rpc('/spire.api.server.entry.v1.Entry/ListEntries')).done('PermissionDenied', 1);
  metrics.callCounter(['datastore', 'node', 'fetch']).done('Internal', 1);
  assert.deepEqual(sink.totals(), { x509Svids: 3, jwtSvids: 1, rpcErrors: 2 });
  await telemetry.stop();
});
