import type { Readable, Writable } from 'node:stream';

/** Where a command reads and writes; tests substitute their own. */
export interface CliIO {
  stdout: Writable;
  stderr: Writable;
  stdin: Readable;
  env: NodeJS.ProcessEnv;
  /** Working directory against which relative paths resolve. */
  cwd: string;
}

/**
 * One `spire-server` subcommand, e.g. `entry show`. `run` returns the process exit code: 0 on
 * success, 1 on any failure after printing `Error: ...` to stderr.
 */
export interface Command {
  /** Space-separated words, e.g. `entry show`. */
  readonly name: string;
  /** One line for the command list. */
  readonly synopsis: string;
  run(args: string[], io: CliIO): Promise<number>;
}

/** Prints `Error: <message>` to stderr, as SPIRE's CLI does, and returns exit code 1. */
export function fail(io: CliIO, message: string): number {
  io.stderr.write(`Error: ${message}\n`);
  return 1;
}
