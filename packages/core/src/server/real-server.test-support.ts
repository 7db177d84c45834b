// Test support: a SpireServer on the real built-in plugins (not a test file itself).
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { CliIO } from '../cli/command.js';
import { parseServerConfigText } from '../config/index.js';
import { silentLogger } from '../log/logger.js';
import { SpireServer, type ServerOptions } from './server.js';

/** A port that was free a moment ago (the config refuses port 0). */
export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

/** CLI streams that collect what is written. */
export function io(): CliIO & { out(): string; err(): string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let o = '';
  let e = '';
  stdout.on('data', (d: Buffer) => (o += d.toString()));
  stderr.on('data', (d: Buffer) => (e += d.toString()));
  return { stdout, stderr, stdin: new PassThrough(), env: {}, cwd: process.cwd(), out: () => o, err: () => e };
}

/**
 * A started server in a temp dir with the sql DataStore (`datastoreData`, HCL; SQLite in the dir
 * by default), the memory KeyManager, the health listener, `extra` lines in the server block and
 * `blocks` (top-level blocks such as `telemetry { }`) after it.
 */
export async function startRealServer(
  opts: { datastoreData?: string; extra?: string; blocks?: string } & ServerOptions = {},
): Promise<{ server: SpireServer; dir: string; socketPath: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'spire-srv-'));
  const socketPath = join(dir, 'api.sock');
  const text = `
server {
  trust_domain = "example.org"
  data_dir = "${join(dir, 'data')}"
  socket_path = "${socketPath}"
  bind_address = "127.0.0.1"
  bind_port = ${await freePort()}
  log_level = "ERROR"
  ${opts.extra ?? ''}
}
health_checks {
  listener_enabled = true
  bind_address = "127.0.0.1"
  bind_port = ${await freePort()}
}
plugins {
  DataStore "sql" {
    plugin_data { ${opts.datastoreData ?? `database_type = "sqlite3"\n connection_string = "${join(dir, 'ds.sqlite3')}"`} }
  }
  KeyManager "memory" {}
}
${opts.blocks ?? ''}
`;
  const { config, problems } = parseServerConfigText(text, { filename: 'server.conf' });
  assert.deepEqual(problems, []);
  const server = new SpireServer(config!, { log: silentLogger(), signingThreads: 1, ...opts });
  await server.start();
  return { server, dir, socketPath };
}
