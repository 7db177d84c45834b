// `spire-server run` with profiling_enabled: the localhost-only /debug/pprof/ server answers with
// Node's equivalents of Go's pprof profiles, and profiling_freq writes them to ./.profiles below
// the server's working directory (docs/profiling.md).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, stat } from 'node:fs/promises';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { ServerProcess, freePort } from './harness.js';

describe('spire-server run with profiling_enabled', { timeout: 120_000 }, () => {
  const server = new ServerProcess('example.org');
  let port = 0;

  before(async () => {
    port = await freePort();
    await server.start({
      logLevel: 'INFO',
      extraServer: `profiling_enabled = true\n  profiling_port = ${port}\n  profiling_freq = 1\n  profiling_names = ["goroutine", "cpu"]`,
    });
  });
  after(() => server.stop());

  it('serves /debug/pprof/goroutine: the server process\'s report', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/debug/pprof/goroutine`);
    assert.equal(res.status, 200, server.log());
    const report = (await res.json()) as { header: { processId: number; cwd: string }; javascriptStack: unknown; environmentVariables?: unknown };
    assert.equal(report.header.processId, server.pid);
    assert.equal(report.header.cwd, server.dir);
    assert.ok(report.javascriptStack);
    assert.equal(report.environmentVariables, undefined);
    assert.match(server.log(), new RegExp(`Serving profiling endpoints.*127\\.0\\.0\\.1:${port}`));
  });

  it('is not reachable on a non-loopback address', async (t) => {
    const other = Object.values(networkInterfaces())
      .flat()
      .find((a) => a && !a.internal && a.family === 'IPv4');
    if (!other) return t.skip('this machine has no non-loopback IPv4 address');
    await assert.rejects(fetch(`http://${other.address}:${port}/debug/pprof/goroutine`), TypeError);
  });

  it('writes <ts>_server_<name>.<ext> files, mode 0600, to ./.profiles every second', async () => {
    const dir = join(server.dir, '.profiles');
    const deadline = Date.now() + 20_000;
    let files: string[] = [];
    while (Date.now() < deadline) {
      files = await readdir(dir).catch(() => []);
      if (files.some((f) => f.endsWith('_server_cpu.cpuprofile')) && files.some((f) => f.endsWith('_server_goroutine.json'))) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    assert.ok(files.length >= 2, `no profiles in ${dir}: ${files.join(', ')}\n${server.log()}`);
    for (const f of files) {
      assert.match(f, /^\d{4}-\d{2}-\d{2}_\d{6}_server_(cpu\.cpuprofile|goroutine\.json)$/);
      assert.equal((await stat(join(dir, f))).mode & 0o777, 0o600, f);
    }
  });
});
