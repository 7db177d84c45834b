import type { Readable, Writable } from 'node:stream';
import { FlagError, flagUsage, parseFlags, type FlagSpec, type ParsedFlags } from './flags.js';

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

/**
 * Parses a command's flags the way Go's flag package reports problems: on a bad flag (or -h) it
 * prints the problem and `Usage of <command>:` with every flag to stderr and returns undefined;
 * the caller then exits 1.
 */
export function parseCommandFlags(command: string, specs: readonly FlagSpec[], args: readonly string[], io: CliIO): ParsedFlags | undefined {
  if (args.includes('-h') || args.includes('-help') || args.includes('--help')) {
    io.stderr.write(`Usage of ${command}:\n${flagUsage(specs)}\n`);
    return undefined;
  }
  try {
    return parseFlags(specs, args);
  } catch (err) {
    if (!(err instanceof FlagError)) throw err;
    io.stderr.write(`${err.message}\nUsage of ${command}:\n${flagUsage(specs)}\n`);
    return undefined;
  }
}
