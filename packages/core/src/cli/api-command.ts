import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { ApiClient } from './api-client.js';
import { fail, flagHelp, type CliIO, type Command } from './command.js';
import type { FlagSpec, ParsedFlags } from './flags.js';
import { parseCommandFlags } from './command.js';
import { goQuote } from './go-format.js';
import { resolveSocketPath, SOCKET_FLAGS } from './server-address.js';

/** cliprinter's name for an `-output` value (`json`, `pretty`), or undefined when it knows none. */
function outputFormat(value: string): 'json' | 'pretty' | undefined {
  const v = value.toLowerCase();
  return v === 'json' ? 'json' : v === 'pretty' || v === 'prettyprint' ? 'pretty' : undefined;
}

/**
 * The `-output` flag of commands that print API results (SPIRE's cliprinter): `json` or `pretty`
 * in any case; given again, it must name the format already chosen, as it is spelled.
 */
export const OUTPUT_FLAG: FlagSpec = {
  name: 'output',
  kind: 'string',
  typeName: 'value',
  usage: 'Desired output format (pretty, json); default: pretty.',
  check(value, previous) {
    if (previous !== undefined) {
      const current = outputFormat(previous)!;
      if (current !== value) return `the output format has already been set to ${goQuote(current)}`;
    }
    return outputFormat(value) ? undefined : `bad formatter flag: unknown format option: ${goQuote(value)}`;
  },
};

/** What a command body gets: its flags, the API client, the IO, and the chosen output format. */
export interface ApiCommandContext {
  readonly flags: ParsedFlags;
  readonly io: CliIO;
  readonly client: ApiClient;
  readonly json: boolean;
  str(name: string): string;
  bool(name: string): boolean;
  int(name: string): number;
  list(name: string): string[];
  /** Prints messages as `-output json` does. */
  printJson(...msgs: Array<{ type: string; msg: object }>): Promise<void>;
  out(text: string): void;
  err(text: string): void;
}

/** How one API command is defined; `run` throws an Error whose message follows `Error: `. */
export interface ApiCommandDef {
  name: string;
  /** The name of the command's Go flag set, shown as `Usage of <name>:`, when it is not `name`. */
  flagSetName?: string;
  synopsis: string;
  flags: readonly FlagSpec[];
  /** Adds `-output pretty|json`. */
  output?: boolean;
  run(ctx: ApiCommandContext): Promise<void>;
}

/**
 * Builds a command that talks to the server API, as SPIRE's command adapter does: parse flags
 * (problems and usage to stderr, exit 1), resolve the socket, run the body, and turn any thrown
 * error into `Error: <message>` on stderr with exit code 1.
 */
export function apiCommand(def: ApiCommandDef): Command {
  const specs: FlagSpec[] = [...SOCKET_FLAGS, ...def.flags, ...(def.output ? [OUTPUT_FLAG] : [])];
  const flagSetName = def.flagSetName ?? def.name;
  return {
    name: def.name,
    synopsis: def.synopsis,
    help: flagHelp(flagSetName, specs),
    async run(args: string[], io: CliIO): Promise<number> {
      const { flags } = parseCommandFlags(flagSetName, specs, args, io);
      if (!flags) return 1;
      const json = def.output === true && flags.set.has('output') && outputFormat(String(flags.values.output)) === 'json';
      let socketPath: string;
      try {
        socketPath = resolveSocketPath(flags, io.env);
      } catch (err) {
        return fail(io, (err as Error).message);
      }
      // gRPC and the proto definitions load only when a command runs, so listing commands and
      // printing usage stay fast.
      const { ApiClient } = await import('./api-client.js');
      const client = new ApiClient(socketPath);
      const ctx: ApiCommandContext = {
        flags,
        io,
        client,
        json,
        str: (n) => String(flags.values[n] ?? ''),
        bool: (n) => flags.values[n] === true,
        int: (n) => Number(flags.values[n] ?? 0),
        list: (n) => (flags.values[n] as string[] | undefined) ?? [],
        printJson: async (...msgs) => {
          const { protoJsonText } = await import('./protojson.js');
          io.stdout.write(protoJsonText(msgs));
        },
        out: (t) => io.stdout.write(t),
        err: (t) => io.stderr.write(t),
      };
      // A reader that goes away (`| head`) is handled once for every command: see broken-pipe.ts.
      try {
        await def.run(ctx);
        return 0;
      } catch (err) {
        return fail(io, err instanceof Error ? err.message : String(err));
      } finally {
        client.close();
      }
    },
  };
}

/**
 * Reads a file named by a flag, or stdin when the name is `-`. Relative paths resolve against
 * the command's working directory. Throws with the wording Go's os.Open uses
 * (`open <path>: no such file or directory`).
 */
export async function readInput(path: string, io: CliIO): Promise<Buffer> {
  if (path === '-') {
    const chunks: Buffer[] = [];
    for await (const c of io.stdin) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c as string));
    return Buffer.concat(chunks);
  }
  try {
    return await readFile(resolve(io.cwd, path));
  } catch (err) {
    throw new Error(`open ${path}: ${osErrorText(err)}`);
  }
}

/** Go's text for a Node file-system error code. */
export function osErrorText(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    case 'ENOTDIR':
      return 'not a directory';
    default:
      return (err as Error).message;
  }
}
