import type { CliIO, Command } from './command.js';
import { commandsFor } from './commands/index.js';
import { VERSION } from './version.js';

export { VERSION };

/** mitchellh/cli's help for a group it fills in itself (a word with subcommands but no command). */
const GROUP_HELP = 'This command is accessed by using one of the subcommands below.';

/** mitchellh/cli's Run result asking for the command's help. */
const RUN_RESULT_HELP = -18511;

/** A group such as `entry`: no flags, no synopsis; running it shows its help. */
function groupCommand(name: string): Command {
  return { name, synopsis: '', help: () => GROUP_HELP, run: () => Promise.resolve(RUN_RESULT_HELP) };
}

/** Byte-wise comparison, as Go's sort.Strings orders. */
function byBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The command tree as mitchellh/cli builds it: every command by its full name, plus a group
 * command for each missing parent (`entry`, `localauthority`, `localauthority x509`).
 */
function commandTree(commands: readonly Command[]): Map<string, Command> {
  const tree = new Map<string, Command>(commands.map((c) => [c.name, c]));
  for (const c of commands) {
    const words = c.name.split(' ');
    for (let n = words.length - 1; n > 0; n--) {
      const parent = words.slice(0, n).join(' ');
      if (!tree.has(parent)) tree.set(parent, groupCommand(parent));
    }
  }
  return tree;
}

/** The immediate children of `prefix` (top-level commands for ''), sorted. */
function helpCommands(tree: Map<string, Command>, prefix: string): Command[] {
  const p = prefix === '' ? '' : `${prefix} `;
  return [...tree.keys()]
    .filter((k) => k.startsWith(p) && !k.slice(p.length).includes(' '))
    .sort(byBytes)
    .map((k) => tree.get(k)!);
}

/** mitchellh/cli's BasicHelpFunc for `spire-server`. */
function basicHelp(commands: readonly Command[]): string {
  const width = Math.max(0, ...commands.map((c) => c.name.length));
  const lines = commands.map((c) => `    ${c.name.padEnd(width)}    ${c.synopsis}\n`).join('');
  return `Usage: spire-server [--version] [--help] <command> [<args>]\n\nAvailable commands are:\n${lines}`;
}

/**
 * mitchellh/cli's help for one command: its Help(), then its immediate subcommands with their
 * synopses. Each subcommand is asked for its Help() too, as the library does; SPIRE's commands
 * print their usage while answering, so that output comes first.
 */
function commandHelp(tree: Map<string, Command>, command: Command, io: CliIO): string {
  const help = command.help(io);
  const subs = helpCommands(tree, command.name);
  if (subs.length === 0) return `${help}\n`;
  const longest = Math.max(...subs.map((s) => s.name.length));
  const lines = subs.map((s) => {
    s.help(io);
    const name = s.name.slice(s.name.lastIndexOf(' ') + 1);
    return `\n    ${name}${' '.repeat(longest - s.name.length)}    ${s.synopsis}`;
  });
  return `${help}\n\nSubcommands:${lines.join('')}\n`;
}

interface ParsedArgs {
  isHelp: boolean;
  isVersion: boolean;
  subcommand: string;
  subcommandArgs: string[];
  topFlags: string[];
}

/** mitchellh/cli's argument scan for a nested command tree. */
function processArgs(tree: Map<string, Command>, args: readonly string[]): ParsedArgs {
  const out: ParsedArgs = { isHelp: false, isVersion: false, subcommand: '', subcommandArgs: [], topFlags: [] };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') break;
    if (arg === '-h' || arg === '-help' || arg === '--help') {
      out.isHelp = true;
      continue;
    }
    if (out.subcommand === '') {
      if (arg === '-v' || arg === '-version' || arg === '--version') {
        out.isVersion = true;
        continue;
      }
      if (arg.startsWith('-')) out.topFlags.push(arg);
    }
    if (out.subcommand === '' && arg !== '' && !arg.startsWith('-')) {
      out.subcommand = arg;
      if (arg.includes(' ')) {
        out.subcommand = '';
        return out;
      }
      // The subcommand is the longest command name among the words up to the first flag.
      let j = i;
      while (j < args.length && args[j] !== '' && !args[j]!.startsWith('-') && !args[j]!.includes(' ')) j++;
      const searchKey = args.slice(i, j).join(' ');
      let longest = '';
      for (const k of tree.keys()) if (searchKey.startsWith(k) && k.length > longest.length) longest = k;
      if (longest !== '' && (searchKey.length === longest.length || searchKey[longest.length] === ' ')) {
        out.subcommand = longest;
        i += longest.split(' ').length - 1;
      }
      out.subcommandArgs = args.slice(i + 1);
    }
  }
  return out;
}

/** The parent of a command name ('' for a top-level word). */
function parentOf(name: string): string {
  const idx = name.trimEnd().lastIndexOf(' ');
  return idx === -1 ? '' : name.slice(0, idx);
}

/**
 * Runs the `spire-server` CLI and returns the exit code, dispatching as upstream's CLI library
 * (mitchellh/cli) does: `-h`/`-help`/`--help` anywhere before `--` shows help (exit 0);
 * `-v`/`--version` before the subcommand prints the version; the longest command name matching
 * the leading words runs; an unknown command shows the top-level help (exit 127); a group word
 * (`entry`) shows its subcommands (exit 1); a flag before the subcommand is refused (exit 1).
 * Help and version go to stderr. `commands` defaults to those enabled for `io.env`.
 */
export async function main(argv: string[], io: CliIO, commands: readonly Command[] = commandsFor(io.env)): Promise<number> {
  const tree = commandTree(commands);
  const args = processArgs(tree, argv);
  if (args.isVersion) {
    io.stderr.write(`${VERSION}\n`);
    return 0;
  }
  if (args.isHelp && args.subcommand === '') {
    io.stderr.write(`${basicHelp(helpCommands(tree, ''))}\n`);
    return 0;
  }
  const command = tree.get(args.subcommand);
  if (!command) {
    io.stderr.write(`${basicHelp(helpCommands(tree, parentOf(args.subcommand)))}\n`);
    return 127;
  }
  if (args.isHelp) {
    io.stderr.write(commandHelp(tree, command, io));
    return 0;
  }
  if (args.topFlags.length > 0) {
    io.stderr.write('Invalid flags before the subcommand. If these flags are for\nthe subcommand, please put them after the subcommand.\n\n');
    io.stderr.write(commandHelp(tree, command, io));
    return 1;
  }
  const code = await command.run(args.subcommandArgs, io);
  if (code === RUN_RESULT_HELP) {
    io.stderr.write(commandHelp(tree, command, io));
    return 1;
  }
  return code;
}

