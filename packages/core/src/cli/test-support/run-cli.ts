import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** What one `spire-server` run printed. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** bin/spire-server of the repository. */
export const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', '..', 'bin', 'spire-server');

/**
 * Runs the real `node bin/spire-server <args>` and collects its output. `stdin` is written to
 * the child's stdin when given. TZ is UTC so times print predictably.
 */
export function runCli(args: string[], opts: { stdin?: string; cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: opts.cwd, env: { ...process.env, TZ: 'UTC', ...opts.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(opts.stdin ?? '');
  });
}

/** Runs a command against the test server's socket: `[...words, -socketPath, sock, ...rest]`. */
export function runAgainst(socketPath: string, words: string[], rest: string[] = [], opts: { stdin?: string; cwd?: string } = {}): Promise<CliResult> {
  return runCli([...words, '-socketPath', socketPath, ...rest], opts);
}
