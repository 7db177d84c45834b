import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestServerOptions } from './api-server-main.js';

/** A running server for CLI tests. */
export interface TestServer {
  socketPath: string;
  trustDomain: string;
  dir: string;
  /** Stops the server and removes its directory. Safe to call twice. */
  stop(): Promise<void>;
}

const here = dirname(fileURLToPath(import.meta.url));

/**
 * Starts "the server" for CLI tests in a child process and resolves once it serves on its admin
 * socket. Today that is api-server-main.js (endpoints + SQLite + test CA); switching the CLI
 * tests to `spire-server run -config <tmp conf>` is a change to this function only. Rejects
 * (with the child's stderr) when the server does not come up within 30 s.
 */
export async function startTestServer(opts: { trustDomain?: string; agents?: TestServerOptions['agents'] } = {}): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'spire-cli-'));
  const options: TestServerOptions = { socketPath: join(dir, 'api.sock'), dataDir: dir, trustDomain: opts.trustDomain ?? 'example.org', agents: opts.agents };
  const child: ChildProcess = spawn(process.execPath, [join(here, 'api-server-main.js'), JSON.stringify(options)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`test server did not start: ${stderr}`)), 30_000);
    child.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('ready')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`test server exited with ${code}: ${stderr}`));
    });
  });
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
