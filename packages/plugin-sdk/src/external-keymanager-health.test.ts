import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { processGone } from './test-support/capture-log.js';
import { testPluginPath } from './test-plugins/paths.js';

const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'bin', 'spire-server');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

async function get(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const r = await fetch(url);
  return { status: r.status, body: (await r.json()) as Record<string, unknown> };
}

describe('spire-server run with an external KeyManager (plugin_cmd) whose process is killed', { timeout: 120_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'spire-km-health-'));
  const plugin = testPluginPath('keymanager-plugin');
  let healthPort = 0;
  let out = '';
  let server: ReturnType<typeof spawn>;

  before(async () => {
    healthPort = await freePort();
    const conf = join(dir, 'server.conf');
    writeFileSync(
      conf,
      `server {
  trust_domain = "example.org"
  data_dir = "${dir}/data"
  socket_path = "${dir}/api.sock"
  bind_address = "127.0.0.1"
  bind_port = "${await freePort()}"
  log_level = "DEBUG"
}
health_checks {
  listener_enabled = true
  bind_address = "127.0.0.1"
  bind_port = "${healthPort}"
}
plugins {
  DataStore "sql" {
    plugin_data {
      database_type = "sqlite3"
      connection_string = "${dir}/data/datastore.sqlite3"
    }
  }
  KeyManager "ext" {
    plugin_cmd = "${plugin}"
    plugin_checksum = "${createHash('sha256').update(readFileSync(plugin)).digest('hex')}"
    plugin_data {}
  }
}
`,
    );
    server = spawn(process.execPath, [BIN, 'run', '-config', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
    server.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    server.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    const deadline = Date.now() + 60_000;
    while (!out.includes('msg="Server started"')) {
      if (server.exitCode !== null || Date.now() > deadline) throw new Error(`spire-server run did not start:\n${out}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  });
  after(async () => {
    if (server.exitCode === null) {
      const gone = new Promise((r) => server.once('exit', r));
      server.kill('SIGTERM');
      await gone;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('is live and ready with the plugin up, and neither once it is gone', async () => {
    const live = `http://127.0.0.1:${healthPort}/live`;
    const ready = `http://127.0.0.1:${healthPort}/ready`;
    assert.equal((await get(live)).status, 200);
    assert.equal((await get(ready)).status, 200);

    const pid = Number(/msg="Plugin handshake received".* plugin_pid=(\d+)/.exec(out)?.[1]);
    assert.ok(pid > 0, `no plugin pid in the log:\n${out}`);
    process.kill(pid, 'SIGKILL');
    const deadline = Date.now() + 10_000;
    while (!processGone(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    // The plugin's death makes the checks run again at once (not at the next run, up to a
    // minute away once healthy); allow the run a moment.
    await new Promise((r) => setTimeout(r, 500));

    const l = await get(live);
    assert.equal(l.status, 500, JSON.stringify(l.body));
    assert.match(String((l.body['catalog.keymanager'] as { get_public_keys_err?: string }).get_public_keys_err), /^keymanager\(ext\): plugin process is not running \(killed by signal SIGKILL\)$/);
    const r = await get(ready);
    assert.equal(r.status, 500);
    assert.deepEqual(r.body['catalog.keymanager'], l.body['catalog.keymanager']);
  });
});
