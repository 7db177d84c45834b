import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { BIN } from './run-cli.js';

/** A TCP port on loopback that was free a moment ago (bound, then released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

/** Where a test's `run` keeps its state; every path is under the test's own temp dir. */
export interface RunPaths {
  conf: string;
  dataDir: string;
  socketPath: string;
  keysPath: string;
}

/**
 * Writes `<dir>/server.conf` for `spire-server run`: SQLite and a disk KeyManager under
 * `dataDir`, the admin socket at `socketPath`, the TCP API on `bindAddress:port`. Returns the paths.
 */
export function writeRunConf(
  dir: string,
  opts: { port: number; bindAddress?: string; dataDir?: string; socketPath?: string },
): RunPaths {
  const dataDir = opts.dataDir ?? join(dir, 'data');
  const socketPath = opts.socketPath ?? join(dir, 'sock', 'api.sock');
  const keysPath = join(dataDir, 'keys.json');
  const conf = join(dir, 'server.conf');
  writeFileSync(
    conf,
    `server {
  trust_domain = "example.org"
  data_dir = "${dataDir}"
  socket_path = "${socketPath}"
  bind_address = "${opts.bindAddress ?? '127.0.0.1'}"
  bind_port = ${opts.port}
}
plugins {
  DataStore "sql" {
    plugin_data {
      database_type = "sqlite3"
      connection_string = "${join(dataDir, 'datastore.sqlite3')}"
    }
  }
  KeyManager "disk" {
    plugin_data { keys_path = "${keysPath}" }
  }
}
`,
  );
  return { conf, dataDir, socketPath, keysPath };
}

/** A `spire-server run` child process. */
export interface RunProcess {
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  /** Sends SIGTERM and resolves with the exit code. Safe to call twice. */
  stop(): Promise<number | null>;
  /** Sends SIGKILL (nothing is cleaned up) and resolves with the exit code (null). */
  kill(): Promise<number | null>;
}

/**
 * Starts `spire-server run -config <conf> ...args` and resolves once it logs "Server started".
 * Rejects with its output when it exits first or does not start within 60 s.
 */
export async function startRun(conf: string, args: string[] = []): Promise<RunProcess> {
  const child = spawn(process.execPath, [BIN, 'run', '-config', conf, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`spire-server run did not start in 60 s:\n${out}`));
    }, 60_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      if (out.includes('msg="Server started"')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`spire-server run exited with ${code}:\n${out}`));
    });
  });
  return {
    output: () => out,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      return exited;
    },
  };
}
