import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { idleProfilingKeys, startProfiling, type ProfilingOptions } from './profiling.js';
import { capturingLog, flushed } from './profiling.test-support.js';

const off: ProfilingOptions = { enabled: false, port: 0, freq: 0, names: [] };

test('disabled, nothing runs; keys set without profiling_enabled are named in a warning', async () => {
  const { log, records } = capturingLog();
  const p = await startProfiling({ enabled: false, port: 6060, freq: 5, names: ['heap'] }, { log });
  assert.equal(p.port, undefined);
  assert.equal(p.dumps, undefined);
  await p.stop();
  await flushed();
  assert.deepEqual(records, [{ level: 'warn', msg: 'Profiling settings have no effect: profiling_enabled is false', keys: 'profiling_port,profiling_freq,profiling_names' }]);
});

test('all off is silent', async () => {
  const { log, records } = capturingLog();
  await (await startProfiling(off, { log })).stop();
  await flushed();
  assert.deepEqual(records, []);
});

test('idle keys: names without freq, and enabled with neither port nor freq', async () => {
  assert.deepEqual(idleProfilingKeys({ enabled: true, port: 1, freq: 0, names: ['cpu'] }), ['profiling_names']);
  assert.deepEqual(idleProfilingKeys({ enabled: true, port: 0, freq: 1, names: ['cpu'] }), []);
  const { log, records } = capturingLog();
  await (await startProfiling({ enabled: true, port: 0, freq: 0, names: [] }, { log })).stop();
  await flushed();
  assert.deepEqual(records.map((r) => r.msg), ['Profiling is enabled, but neither profiling_port nor profiling_freq is set; nothing is profiled']);
});

test('enabled: the debug server on 127.0.0.1 and the periodic dumps both run until stop', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'profiling-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const free = createServer();
  await new Promise<void>((r) => free.listen(0, '127.0.0.1', r));
  const port = (free.address() as { port: number }).port;
  await new Promise((r) => free.close(r));
  const { log, records } = capturingLog();
  const p = await startProfiling({ enabled: true, port, freq: 3600, names: ['goroutine'] }, { log, dumpDir: dir });
  try {
    assert.equal(p.port, port);
    const res = await fetch(`http://127.0.0.1:${port}/debug/pprof/goroutine`);
    assert.equal(res.status, 200);
    await res.json();
    await p.dumps!.dumpNow();
    assert.equal((await readdir(dir)).length, 1);
  } finally {
    await p.stop();
    await p.stop();
  }
  await assert.rejects(fetch(`http://127.0.0.1:${port}/debug/pprof/`));
  await flushed();
  const serving = records.find((r) => r.msg.startsWith('Serving profiling endpoints'));
  assert.equal(serving?.address, `127.0.0.1:${port}`);
});

test('a port that cannot be listened on is a warning, not a failure (as upstream)', async () => {
  const busy = createServer();
  await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
  const port = (busy.address() as { port: number }).port;
  const { log, records } = capturingLog();
  try {
    const p = await startProfiling({ enabled: true, port, freq: 0, names: [] }, { log });
    assert.equal(p.port, undefined);
    await p.stop();
  } finally {
    busy.close();
  }
  await flushed();
  assert.deepEqual(
    records.map((r) => [r.msg, r.address]),
    [['Unable to serve profiling server', `127.0.0.1:${port}`]],
  );
});
