import type { CliIO, Command } from './command.js';
import { COMMANDS } from './commands/index.js';
import { VERSION } from './version.js';

export { VERSION };

function usage(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  const lines = [...commands]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((c) => `    ${c.name.padEnd(width)}    ${c.synopsis}`);
  return `Usage: spire-server [--version] [--help] <command> [<args>]\n\nAvailable commands are:\n${lines.join('\n')}\n`;
}

/**
 * Runs the `spire-server` CLI. The longest command name matching the leading words wins
 * (`entry show` before `entry`). Returns the exit code.
 */
export async function main(argv: string[], io: CliIO, commands: readonly Command[] = COMMANDS): Promise<number> {
  if (argv.length === 0 || argv[0] === '-h' || argv[0] === '--help' || argv[0] === '-help') {
    io.stderr.write(usage(commands));
    return argv.length === 0 ? 1 : 0;
  }
  if (argv[0] === '--version' || argv[0] === '-version' || argv[0] === '-v') {
    io.stdout.write(`${VERSION}\n`);
    return 0;
  }
  let best: Command | undefined;
  let bestWords = 0;
  for (const c of commands) {
    const words = c.name.split(' ');
    if (words.length > bestWords && words.every((w, i) => argv[i] === w)) {
      best = c;
      bestWords = words.length;
    }
  }
  if (!best) {
    const prefix = argv[0]!;
    const subs = commands.filter((c) => c.name.startsWith(`${prefix} `));
    if (subs.length > 0) {
      io.stderr.write(usage(subs));
      return 1;
    }
    io.stderr.write(usage(commands));
    return 127;
  }
  return best.run(argv.slice(bestWords), io);
}
