import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { silentLogger } from '../log/logger.js';
import { SinkMetrics, type NamingOptions } from './sink-metrics.js';
import { parseUdpAddress } from './statsd-address.js';
import { StatsdSink, type StatsdFlavor } from './statsd-sink.js';

const naming: NamingOptions = {
  metricPrefix: 'spire_server',
  baseLabels: { trust_domain: 'example.org', host: 'h1' },
  allowedPrefixes: [],
  blockedPrefixes: [],
  allowedLabels: [],
  blockedLabels: [],
};

/** A UDP listener on 127.0.0.1 that collects the lines of every datagram. */
async function listener(): Promise<{ socket: Socket; port: number; lines: string[]; waitFor(n: number): Promise<string[]> }> {
  const socket = createSocket('udp4');
  const lines: string[] = [];
  socket.on('message', (msg) => lines.push(...msg.toString('utf8').split('\n').filter((l) => l !== '')));
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
  const waitFor = async (n: number) => {
    for (let i = 0; i < 100 && lines.length < n; i++) await new Promise((r) => setTimeout(r, 20));
    return lines;
  };
  return { socket, port: socket.address().port, lines, waitFor };
}

async function emit(flavor: StatsdFlavor) {
  const l = await listener();
  const sink = new StatsdSink(flavor, { host: '127.0.0.1', port: l.port }, silentLogger());
  const metrics = new SinkMetrics([sink], naming);
  metrics.callCounter(['rpc', 'entry', 'v1', 'entry', 'batch_create_entry']).done('OK', 2.5);
  metrics.setGauge(['uptime_in_ms'], 42);
  metrics.incrCounter(['server_ca', 'sign', 'x509_svid'], 3, { 'spiffe id': 'spiffe://a:b' });
  const lines = await l.waitFor(4);
  await sink.close();
  await sink.close();
  l.socket.close();
  return lines;
}

test('Statsd: the dot-joined key with the label values appended, as go-metrics; |c, |ms and |g', async () => {
  assert.deepEqual(await emit('statsd'), [
    'spire_server.rpc.entry.v1.entry.batch_create_entry.OK.example_org.h1:1|c',
    'spire_server.rpc.entry.v1.entry.batch_create_entry.elapsed_time.OK.example_org.h1:2.5|ms',
    'spire_server.uptime_in_ms.example_org.h1:42|g',
    'spire_server.server_ca.sign.x509_svid.spiffe_a_b.example_org.h1:3|c',
  ]);
});

test('DogStatsd: the dot-joined key and the labels as name:value tags', async () => {
  const lines = await emit('dogstatsd');
  const want = [
    'spire_server.rpc.entry.v1.entry.batch_create_entry:1|c|#status:OK,trust_domain:example_org,host:h1',
    'spire_server.rpc.entry.v1.entry.batch_create_entry.elapsed_time:2.5|ms|#status:OK,trust_domain:example_org,host:h1',
    'spire_server.uptime_in_ms:42|g|#trust_domain:example_org,host:h1',
    'spire_server.server_ca.sign.x509_svid:3|c|#spiffe_id:spiffe_a_b,trust_domain:example_org,host:h1',
  ];
  assert.equal(lines.length, want.length);
  // hot-shots may append DogStatsD's container-ID field after the tags (origin detection).
  for (const [i, w] of want.entries()) assert.ok(lines[i] === w || lines[i]!.startsWith(`${w}|c:`), `${lines[i]} is not ${w}`);
});

test('a destination that refuses datagrams does not make recording throw', async () => {
  const l = await listener();
  l.socket.close();
  const sink = new StatsdSink('statsd', { host: '127.0.0.1', port: l.port }, silentLogger());
  const inc = sink.counter({ key: ['spire_server', 'x'], name: 'spire_server_x', labels: [] });
  for (let i = 0; i < 5; i++) inc(1);
  await new Promise((r) => setTimeout(r, 150));
  inc(1);
  await sink.close();
});

test('addresses are host:port, [v6]:port or :port', () => {
  assert.deepEqual(parseUdpAddress('127.0.0.1:8125'), { host: '127.0.0.1', port: 8125 });
  assert.deepEqual(parseUdpAddress('[::1]:8125'), { host: '::1', port: 8125 });
  assert.deepEqual(parseUdpAddress('statsd.local:1'), { host: 'statsd.local', port: 1 });
  assert.deepEqual(parseUdpAddress(':8125'), { host: 'localhost', port: 8125 });
  assert.equal(parseUdpAddress('::1:8125'), '"::1:8125" is not host:port');
  assert.equal(parseUdpAddress('h'), '"h" is not host:port');
  assert.equal(parseUdpAddress('h:65536'), 'port 65536 of "h:65536" is out of range');
});
