import { PassThrough } from 'node:stream';
import { main } from '../main.js';
import type { CliResult } from './run-cli.js';

/**
 * Runs the CLI's `main` in this process with captured streams: the same code path as
 * `bin/spire-server` without a process start. Tests use it for long tables of error cases and
 * spawn the real binary for at least one case of each kind.
 */
export async function runInProcess(args: string[], opts: { stdin?: string; cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const stdin = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  stdin.end(opts.stdin ?? '');
  const code = await main(args, { stdout, stderr, stdin, env: { ...process.env, TZ: 'UTC', ...opts.env }, cwd: opts.cwd ?? process.cwd() });
  return { code, stdout: out, stderr: err };
}
