import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../../bin/spire-server');

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

async function tempConfig(): Promise<{ dir: string; conf: string; socket: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'spire-run-'));
  const socket = join(dir, 'sock', 'api.sock');
  const conf = join(dir, 'server.conf');
  writeFileSync(
    conf,
    `server {
  trust_domain = "example.org"
  data_dir = "${join(dir, 'data')}"
  socket_path = "${socket}"
  bind_address = "127.0.0.1"
  bind_port = ${await freePort()}
}
plugins {
  DataStore "sql" {
    plugin_data {
      database_type = "sqlite3"
      connection_string = "${join(dir, 'data', 'datastore.sqlite3')}"
    }
  }
  KeyManager "memory" {}
}
`,
  );
  return { dir, conf, socket };
}

function runCli(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((res) => {
    const p = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('exit', (code) => res({ code, out, err }));
  });
}

/** Starts `spire-server run`, waits for "Server started", sends `signal`, and returns the exit. */
async function runAndStop(signal: NodeJS.Signals): Promise<{ code: number | null; log: string; dir: string; health: string }> {
  const { dir, conf, socket } = await tempConfig();
  const p = spawn(process.execPath, [BIN, 'run', '-config', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  p.stderr.on('data', (d: Buffer) => (log += d.toString()));
  const exited = new Promise<number | null>((r) => p.on('exit', (code) => r(code)));
  await new Promise<void>((res, rej) => {
    const t = setTimeout(() => rej(new Error(`server did not start:\n${log}`)), 30_000);
    // The log goes to stdout, as SPIRE's.
    p.stdout.on('data', (d: Buffer) => {
      log += d.toString();
      if (log.includes('msg="Server started"')) {
        clearTimeout(t);
        res();
      }
    });
    void exited.then(() => rej(new Error(`server exited early:\n${log}`)));
  });
  const health = await runCli(['healthcheck', '-socketPath', socket]);
  p.kill(signal);
  return { code: await exited, log, dir, health: health.out };
}

describe('spire-server run', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`serves, then stops gracefully with exit 0 on ${signal}`, async () => {
      const r = await runAndStop(signal);
      assert.equal(r.health, 'Server is healthy.\n');
      assert.equal(r.code, 0, r.log);
      assert.match(r.log, new RegExp(`msg="Stopping server" signal=${signal}`));
      assert.match(r.log, /msg="Server stopped"/);
      assert.equal(statSync(join(r.dir, 'data')).mode & 0o777, 0o700);
    });
  }

  it('refuses a broken config with every problem and exit 1', async () => {
    const { dir } = await tempConfig();
    const conf = join(dir, 'bad.conf');
    writeFileSync(conf, 'server {\n  trust_domain = "Bad Domain"\n  bind_port = 99999\n}\n');
    const r = await runCli(['run', '-config', conf]);
    assert.equal(r.code, 1);
    assert.match(r.err, /bad\.conf:2: server\.trust_domain: /);
    assert.match(r.err, /bad\.conf:3: server\.bind_port: /);
    // Each problem on its own line, bare, as SPIRE prints its config error; no summary line.
    assert.doesNotMatch(r.err, /^Error: /m);
    assert.equal(r.err.split('\n').filter((l) => l !== '').every((l) => l.startsWith(conf)), true, r.err);
  });

  it('flags are checked like the file and named in the problem (-logFormat)', async () => {
    const { conf } = await tempConfig();
    const r = await runCli(['run', '-config', conf, '-logFormat', 'xml']);
    assert.equal(r.code, 1);
    assert.match(r.err, /log_format.*\(set by -logFormat\)/);
  });
});
