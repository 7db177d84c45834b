// A running `spire-server run` with telemetry.Statsd and telemetry.DogStatsd pointed at UDP
// listeners of this test: an `entry create` through the CLI arrives as the BatchCreateEntry call
// counter, named per dialect (docs/telemetry.md).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { ServerProcess } from './harness.js';

/** A UDP listener on 127.0.0.1 keeping every line it receives. */
class UdpListener {
  readonly lines: string[] = [];
  private readonly socket: Socket = createSocket('udp4');

  async start(): Promise<number> {
    this.socket.on('message', (m) => this.lines.push(...m.toString('utf8').split('\n').filter((l) => l !== '')));
    await new Promise<void>((r) => this.socket.bind(0, '127.0.0.1', r));
    return this.socket.address().port;
  }

  /** The first line matching `re`, waiting up to 15 s for it. */
  async find(re: RegExp, serverLog: () => string): Promise<string> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const hit = this.lines.find((l) => re.test(l));
      if (hit) return hit;
      if (Date.now() > deadline) throw new Error(`no line matching ${re} in 15 s; got:\n${this.lines.join('\n')}\nserver said:\n${serverLog()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  close(): void {
    this.socket.close();
  }
}

describe('spire-server run sends its metrics to Statsd and DogStatsd', { timeout: 120_000 }, () => {
  const server = new ServerProcess('example.org');
  const statsd = new UdpListener();
  const dogstatsd = new UdpListener();

  before(async () => {
    const s = await statsd.start();
    const d = await dogstatsd.start();
    await server.start({
      logLevel: 'INFO',
      extraBlocks: `telemetry {\n  Statsd = [{ address = "127.0.0.1:${s}" }]\n  DogStatsd = [{ address = "127.0.0.1:${d}" }]\n  InMem {}\n}`,
    });
  });
  after(async () => {
    await server.stop();
    statsd.close();
    dogstatsd.close();
  });

  it('an entry create arrives as the batch_create_entry counter in both dialects', async () => {
    server.cli('entry', 'create', '-parentID', 'spiffe://example.org/agent', '-spiffeID', 'spiffe://example.org/w', '-selector', 'unix:uid:1');
    const log = () => server.log();
    // Statsd: the label values (status, host) are part of the key.
    await statsd.find(/^spire_server\.rpc\.entry\.v1\.entry\.batch_create_entry\.OK\.[\w]+:1\|c$/, log);
    await statsd.find(/^spire_server\.rpc\.entry\.v1\.entry\.batch_create_entry\.elapsed_time\.OK\.[\w]+:[\d.]+\|ms$/, log);
    await statsd.find(/^spire_server\.started\.[\w]+\.example_org\.[\w]+:1\|g$/, log);
    // DogStatsd: the key alone, the labels as tags.
    await dogstatsd.find(/^spire_server\.rpc\.entry\.v1\.entry\.batch_create_entry:1\|c\|#status:OK,host:[\w]+(\|.*)?$/, log);
    const started = await dogstatsd.find(/^spire_server\.started:1\|g\|#/, log);
    assert.match(started, /#version:\w+,trust_domain_id:example_org,host:\w+(\|.*)?$/);
  });

  it('SIGUSR1 writes the InMem metrics to the log, in go-metrics lines', async () => {
    server.cli('entry', 'show');
    // As go-metrics, the dump leaves out the interval still being aggregated (1 s).
    await new Promise((r) => setTimeout(r, 1200));
    const before = server.log().length;
    server.signal('SIGUSR1');
    const deadline = Date.now() + 15_000;
    let dumped = '';
    while (Date.now() < deadline) {
      dumped = server.log().slice(before);
      if (/\[C\] 'spire_server\.rpc\.entry\.v1\.entry\.list_entries/.test(dumped)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.match(dumped, /\[C\] 'spire_server\.rpc\.entry\.v1\.entry\.list_entries[^']*': Count: \d+/);
    assert.match(dumped, /\[G\] 'spire_server\.uptime_in_ms[^']*': \d+/);
    assert.match(dumped, /msg="Reconfigure signal received"/, 'the same signal also runs the plugin reconfiguration');
  });
});
