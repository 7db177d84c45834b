import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestServerOptions } from './api-server-main.js';
import { BIN, runCli } from './run-cli.js';

/** A running server for CLI tests. */
export interface TestServer {
  socketPath: string;
  trustDomain: string;
  dir: string;
  /** Stops the server and removes its directory. Safe to call twice. */
  stop(): Promise<void>;
}

const here = dirname(fileURLToPath(import.meta.url));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

/** A server.conf for `spire-server run` keeping everything under `dir`. */
function serverConf(dir: string, trustDomain: string, port: number): string {
  return `server {
    bind_address = "127.0.0.1"
    bind_port = "${port}"
    socket_path = "${join(dir, 'api.sock')}"
    trust_domain = "${trustDomain}"
    data_dir = "${join(dir, 'data')}"
    log_level = "INFO"
}
plugins {
    DataStore "sql" {
        plugin_data {
            database_type = "sqlite3"
            connection_string = "${join(dir, 'datastore.sqlite3')}"
        }
    }
    KeyManager "memory" {
        plugin_data {}
    }
    NodeAttestor "join_token" {
        plugin_data {}
    }
}
`;
}

function waitFor(child: ChildProcess, ready: (out: string) => boolean, what: string): Promise<void> {
  let stderr = '';
  let stdout = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not start: ${stderr}`)), 30_000);
    child.stdout!.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (ready(stdout)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited with ${code}: ${stderr}`));
    });
  });
}

/**
 * Starts "the server" for CLI tests in a child process and resolves once it serves on its admin
 * socket. By default that is the real `spire-server run -config <tmp conf>` (agents are seeded
 * into its SQLite file first); with SPIRE_CLI_TEST_SERVER=api it is api-server-main.js (the API
 * endpoints over SQLite and the API's FakeServerCA, with a stand-in bundle refresher), which
 * starts faster. Rejects
 * (with the child's stderr) when the server does not come up within 30 s.
 */
export async function startTestServer(opts: { trustDomain?: string; agents?: TestServerOptions['agents'] } = {}): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'spire-cli-'));
  const trustDomain = opts.trustDomain ?? 'example.org';
  const options: TestServerOptions = { socketPath: join(dir, 'api.sock'), dataDir: dir, trustDomain, agents: opts.agents };
  let child: ChildProcess;
  if ((process.env.SPIRE_CLI_TEST_SERVER ?? 'run') === 'run') {
    if (opts.agents?.length) {
      const seed = spawn(process.execPath, [join(here, 'api-server-main.js'), JSON.stringify({ ...options, seedOnly: true })], { stdio: ['ignore', 'pipe', 'pipe'] });
      await new Promise<void>((resolve, reject) => seed.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`seeding agents failed with ${code}`)))));
    }
    mkdirSync(join(dir, 'data'), { recursive: true });
    writeFileSync(join(dir, 'server.conf'), serverConf(dir, trustDomain, await freePort()));
    child = spawn(process.execPath, [BIN, 'run', '-config', join(dir, 'server.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout!.resume();
    const deadline = Date.now() + 30_000;
    for (;;) {
      if ((await runCli(['healthcheck', '-socketPath', options.socketPath])).code === 0) break;
      if (child.exitCode !== null || Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`spire-server run did not start: ${stderr}`);
      }
      await new Promise((res) => setTimeout(res, 300));
    }
  } else {
    child = spawn(process.execPath, [join(here, 'api-server-main.js'), JSON.stringify(options)], { stdio: ['ignore', 'pipe', 'pipe'] });
    await waitFor(child, (out) => out.includes('ready'), 'test server');
  }
  let stopped = false;
  return {
    socketPath: options.socketPath,
    trustDomain: options.trustDomain,
    dir,
    async stop() {
      if (stopped) return;
      stopped = true;
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(t);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
