import type { Readable, Writable } from 'node:stream';
import { FlagError, FlagHelpError, flagUsage, parseFlags, type FlagSpec, type ParsedFlags } from './flags.js';

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
  /**
   * The text mitchellh/cli shows for `-h`. A command with flags writes its usage to stderr while
   * answering (Go's flag.Parse of `-h` does) and returns `flag: help requested`.
   */
  help(io: CliIO): string;
  run(args: string[], io: CliIO): Promise<number>;
}

/** The text of Go's flag.ErrHelp, which SPIRE's commands return as their help. */
export const HELP_REQUESTED = 'flag: help requested';

/** Go's usage text for a flag set named `flagSetName`: `Usage of <name>:` and every flag. */
export function usageText(flagSetName: string, specs: readonly FlagSpec[]): string {
  return `Usage of ${flagSetName}:\n${flagUsage(specs)}\n`;
}

/** A command's `help` as SPIRE's are: parse `-h`, which prints the usage to stderr. */
export function flagHelp(flagSetName: string, specs: readonly FlagSpec[]): (io: CliIO) => string {
  return (io) => {
    io.stderr.write(usageText(flagSetName, specs));
    return HELP_REQUESTED;
  };
}

/** Prints `Error: <message>` to stderr, as SPIRE's CLI does, and returns exit code 1. */
export function fail(io: CliIO, message: string): number {
  io.stderr.write(`Error: ${message}\n`);
  return 1;
}

/**
 * Parses a command's flags the way Go's flag package reports problems: on a bad flag it prints
 * the problem and `Usage of <flagSetName>:` with every flag to stderr (only the usage for -h, which
 * reaches here only when a command is run directly) and returns the error; the caller then exits 1.
 */
export function parseCommandFlags(
  flagSetName: string,
  specs: readonly FlagSpec[],
  args: readonly string[],
  io: CliIO,
): { flags: ParsedFlags; error?: undefined } | { flags?: undefined; error: FlagError } {
  try {
    return { flags: parseFlags(specs, args) };
  } catch (err) {
    if (!(err instanceof FlagError)) throw err;
    io.stderr.write(`${err instanceof FlagHelpError ? '' : `${err.message}\n`}${usageText(flagSetName, specs)}`);
    return { error: err };
  }
}
