import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { networkInterfaces } from 'node:os';
import { silentLogger } from '../log/logger.js';
import { MAX_PROFILE_SECONDS, profileSeconds, startDebugServer, type DebugServer } from './debug-server.js';

describe('the debug server', () => {
  let server: DebugServer;
  let base = '';
  before(async () => {
    server = await startDebugServer(0, silentLogger());
    base = `http://127.0.0.1:${server.port}/debug/pprof/`;
  });
  after(async () => {
    await server.close();
    await server.close();
  });

  it('lists its endpoints at /debug/pprof/ and redirects /debug/pprof there', async () => {
    const res = await fetch(base);
    assert.equal(res.status, 200);
    const html = await res.text();
    for (const name of ['block', 'goroutine', 'heap', 'mutex', 'profile', 'threadcreate']) assert.match(html, new RegExp(`<a href="${name}">`));
    const redirect = await fetch(base.slice(0, -1), { redirect: 'manual' });
    assert.equal(redirect.status, 301);
    assert.equal(redirect.headers.get('location'), '/debug/pprof/');
  });

  it('profile?seconds=1 returns a V8 .cpuprofile', async () => {
    const t0 = Date.now();
    const res = await fetch(`${base}profile?seconds=1`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-disposition') ?? '', /filename="profile\.cpuprofile"/);
    const profile = (await res.json()) as { nodes: { callFrame: { functionName: string } }[]; samples: number[]; startTime: number; endTime: number };
    assert.ok(Date.now() - t0 >= 990);
    assert.ok(profile.nodes.length > 0);
    assert.ok(Array.isArray(profile.samples));
    assert.ok(profile.endTime > profile.startTime);
  });

  it('a second CPU profile while one runs is refused with 409', async () => {
    const answers = await Promise.all([fetch(`${base}profile?seconds=1`), fetch(`${base}profile?seconds=1`)]);
    const bodies = await Promise.all(answers.map((r) => r.text()));
    assert.deepEqual(answers.map((r) => r.status).sort(), [200, 409]);
    assert.ok(bodies.includes('a CPU profile is already being taken; try again when it is done\n'));
  });

  it('a bad seconds is a 400 naming it', async () => {
    for (const bad of ['abc', '0', '1.5', String(MAX_PROFILE_SECONDS + 1)]) {
      const res = await fetch(`${base}profile?seconds=${bad}`);
      assert.equal(res.status, 400, bad);
      assert.equal(await res.text(), `invalid seconds "${bad}": must be a whole number of seconds from 1 to ${MAX_PROFILE_SECONDS}\n`);
    }
  });

  it('heap streams a V8 heap snapshot', async () => {
    const res = await fetch(`${base}heap`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-disposition') ?? '', /filename="heap\.heapsnapshot"/);
    const reader = res.body!.getReader();
    let head = '';
    while (head.length < 20) {
      const { value, done } = await reader.read();
      if (done) break;
      head += Buffer.from(value).toString('utf8');
    }
    await reader.cancel();
    assert.ok(head.startsWith('{"snapshot":{"meta":'), head.slice(0, 40));
  });

  it('goroutine is the process report without the environment', async () => {
    const res = await fetch(`${base}goroutine`);
    assert.equal(res.status, 200);
    const report = (await res.json()) as Record<string, unknown> & { header: { processId: number } };
    assert.equal(report.header.processId, process.pid);
    for (const part of ['javascriptStack', 'nativeStack', 'javascriptHeap', 'libuv', 'resourceUsage', 'workers']) assert.ok(part in report, part);
    assert.equal('environmentVariables' in report, false);
  });

  it('threadcreate lists worker threads; block and mutex are the event-loop delay', async () => {
    const threads = (await (await fetch(`${base}threadcreate`)).json()) as { profile: string; mainThreadId: number; workers: unknown[] };
    assert.equal(threads.profile, 'threadcreate');
    assert.equal(threads.mainThreadId, 0);
    assert.ok(Array.isArray(threads.workers));
    await new Promise((r) => setTimeout(r, 50));
    for (const name of ['block', 'mutex']) {
      const d = (await (await fetch(`${base}${name}`)).json()) as { profile: string; unit: string; count: number; percentiles: Record<string, number> };
      assert.equal(d.profile, name);
      assert.equal(d.unit, 'ns');
      assert.ok(d.count > 0);
      assert.equal(typeof d.percentiles['99'], 'number');
    }
  });

  it('trace is 501 and anything else 404', async () => {
    const trace = await fetch(`${base}trace`);
    assert.equal(trace.status, 501);
    assert.match(await trace.text(), /^trace is not supported: /);
    for (const path of ['/debug/pprof/allocs', '/debug/pprof/cmdline', '/metrics', '/']) {
      const res = await fetch(`http://127.0.0.1:${server.port}${path}`);
      assert.equal(res.status, 404, path);
      await res.arrayBuffer();
    }
  });

  it('listens on 127.0.0.1 only', async (t) => {
    const other = Object.values(networkInterfaces())
      .flat()
      .find((a) => a && a.family === 'IPv4' && !a.internal);
    if (!other) return t.skip('no non-loopback IPv4 address');
    await assert.rejects(fetch(`http://${other.address}:${server.port}/debug/pprof/`), TypeError);
  });
});

it('profileSeconds defaults to 30 and accepts 1 to the maximum', () => {
  assert.equal(profileSeconds(null), 30);
  assert.equal(profileSeconds('1'), 1);
  assert.equal(profileSeconds(String(MAX_PROFILE_SECONDS)), MAX_PROFILE_SECONDS);
});

it('a port in use rejects with the listen error', async () => {
  const busy = createServer();
  await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
  const port = (busy.address() as { port: number }).port;
  try {
    await assert.rejects(startDebugServer(port, silentLogger()), { code: 'EADDRINUSE' });
  } finally {
    busy.close();
  }
});
