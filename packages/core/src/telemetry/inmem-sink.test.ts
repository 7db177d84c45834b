import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatGoTime, InMemSink } from './inmem-sink.js';
import { SinkMetrics } from './sink-metrics.js';

const T0 = Date.UTC(2026, 11, 5, 2, 4, 3); // 2026-12-05 02:04:03 UTC

function setup(interval = 1000, retention = 3_600_000) {
  let now = T0;
  const sink = new InMemSink({ intervalMs: interval, retentionMs: retention, now: () => now });
  const metrics = new SinkMetrics([sink], {
    metricPrefix: 'spire_server',
    baseLabels: { host: 'h1' },
    allowedPrefixes: [],
    blockedPrefixes: [],
    allowedLabels: [],
    blockedLabels: [],
  });
  return { sink, metrics, at: (ms: number) => (now = T0 + ms) };
}

test('Go time text: UTC, fraction without trailing zeros', () => {
  assert.equal(formatGoTime(T0), '2026-12-05 02:04:03 +0000 UTC');
  assert.equal(formatGoTime(T0 + 120), '2026-12-05 02:04:03.12 +0000 UTC');
  assert.equal(formatGoTime(T0 + 5), '2026-12-05 02:04:03.005 +0000 UTC');
});

test("the dump has every finished interval in go-metrics' lines; the current one is left out", () => {
  const { sink, metrics, at } = setup();
  at(100);
  metrics.setGauge(['uptime_in_ms'], 5);
  metrics.setGauge(['uptime_in_ms'], 7.25);
  const calls = metrics.callCounter(['rpc', 'entry', 'v1', 'entry', 'list_entries']);
  calls.done('OK', 2);
  at(250);
  calls.done('OK', 4);
  at(1500);
  metrics.incrCounter(['server_ca', 'sign', 'x509_svid']);
  at(2100);
  metrics.setGauge(['uptime_in_ms'], 99);
  assert.equal(
    sink.dump(),
    [
      "[2026-12-05 02:04:03 +0000 UTC][G] 'spire_server.uptime_in_ms.h1': 7.250",
      "[2026-12-05 02:04:03 +0000 UTC][C] 'spire_server.rpc.entry.v1.entry.list_entries.OK.h1': Count: 2 Sum: 2.000 LastUpdated: 2026-12-05 02:04:03.25 +0000 UTC",
      "[2026-12-05 02:04:03 +0000 UTC][S] 'spire_server.rpc.entry.v1.entry.list_entries.elapsed_time.OK.h1': Count: 2 Min: 2.000 Mean: 3.000 Max: 4.000 Stddev: 1.414 Sum: 6.000 LastUpdated: 2026-12-05 02:04:03.25 +0000 UTC",
      "[2026-12-05 02:04:04 +0000 UTC][C] 'spire_server.server_ca.sign.x509_svid.h1': Count: 1 Sum: 1.000 LastUpdated: 2026-12-05 02:04:04.5 +0000 UTC",
      '',
    ].join('\n'),
  );
});

test('a dump with nothing recorded, or only in the current interval, is empty', () => {
  const { sink, metrics } = setup();
  assert.equal(sink.dump(), '');
  metrics.setGauge(['x'], 1);
  assert.equal(sink.dump(), '');
});

test('only retention/interval intervals are kept', () => {
  const { sink, metrics, at } = setup(1000, 3000);
  for (let i = 0; i < 6; i++) {
    at(i * 1000);
    metrics.setGauge(['x'], i);
  }
  at(6000);
  // Intervals 4 and 5 are left, and 6 (current, made by the dump) is not shown.
  assert.equal(sink.dump(), "[2026-12-05 02:04:07 +0000 UTC][G] 'spire_server.x.h1': 4.000\n[2026-12-05 02:04:08 +0000 UTC][G] 'spire_server.x.h1': 5.000\n");
});
