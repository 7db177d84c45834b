import { validatePlugins } from '../../catalog/catalog.js';
import { formatProblem } from '../../config/problem.js';
import { loadServerConfig, DEFAULT_CONFIG_PATH } from '../../config/load.js';
import type { RunFlags } from '../../config/types.js';
import { flagHelp, parseCommandFlags, type CliIO, type Command } from '../command.js';
import type { FlagSpec, ParsedFlags } from '../flags.js';

/**
 * The flags `spire-server run` and `validate` share, as SPIRE defines them (validate takes the
 * same arguments as run).
 */
export const RUN_FLAG_SPECS: readonly FlagSpec[] = [
  { name: 'bindAddress', kind: 'string', usage: 'IP address or DNS name of the SPIRE server' },
  { name: 'serverPort', kind: 'int', usage: 'Port number of the SPIRE server' },
  { name: 'config', kind: 'string', usage: 'Path to a SPIRE config file' },
  { name: 'dataDir', kind: 'string', usage: 'Directory to store runtime data to' },
  { name: 'logFile', kind: 'string', usage: 'File to write logs to' },
  { name: 'logFormat', kind: 'string', usage: "'text' or 'json'" },
  { name: 'logSourceLocation', kind: 'bool', usage: 'Include source file, line number and function name in log lines' },
  { name: 'logLevel', kind: 'string', usage: "'debug', 'info', 'warn', or 'error'" },
  { name: 'trustDomain', kind: 'string', usage: 'The trust domain that this server belongs to' },
  { name: 'expandEnv', kind: 'bool', usage: 'Expand environment variables in SPIRE config file' },
  { name: 'socketPath', kind: 'string', usage: 'Path to bind the SPIRE Server API socket to' },
];

/** Turns parsed run/validate flags into RunFlags (only the flags actually given). */
export function runFlagsFrom(parsed: ParsedFlags): RunFlags {
  const v = parsed.values;
  const out: RunFlags = {};
  const str = (name: string): string | undefined => (parsed.set.has(name) ? (v[name] as string) : undefined);
  const set = <K extends keyof RunFlags>(k: K, value: RunFlags[K] | undefined): void => {
    if (value !== undefined) out[k] = value;
  };
  set('bindAddress', str('bindAddress'));
  set('config', str('config'));
  set('dataDir', str('dataDir'));
  set('logFile', str('logFile'));
  set('logFormat', str('logFormat'));
  set('logLevel', str('logLevel'));
  set('socketPath', str('socketPath'));
  set('trustDomain', str('trustDomain'));
  if (parsed.set.has('serverPort')) out.serverPort = v.serverPort as number;
  if (parsed.set.has('expandEnv')) out.expandEnv = v.expandEnv as boolean;
  if (parsed.set.has('logSourceLocation')) out.logSourceLocation = v.logSourceLocation as boolean;
  return out;
}

const INVALID = 'SPIRE server configuration file is invalid';

/** How validate checks plugin declarations; the catalog's validatePlugins unless a test says otherwise. */
export type PluginCheck = typeof validatePlugins;

/**
 * Makes `spire-server validate`: it loads the config exactly as `run` would (same flags, same
 * reader), checks every plugin declaration with `checkPlugins`, and reports in SPIRE's three
 * shapes, all on stderr with exit 1: each problem of a config that does not load as
 * `SPIRE server configuration file is invalid: <problem>`; a plugin that cannot be loaded as
 * `Could not validate configuration file: <error>` (no newline, as SPIRE); otherwise the
 * problems of each plugin under `Validation errors:`. With none it prints "SPIRE server
 * configuration file is valid." and returns 0. Starts nothing.
 */
export function createValidateCommand(checkPlugins: PluginCheck = validatePlugins): Command {
  return {
    name: 'validate',
    synopsis: 'Validates a SPIRE server configuration file',
    help: flagHelp('validate', RUN_FLAG_SPECS),
    async run(args: string[], io: CliIO): Promise<number> {
      const { flags: parsed, error } = parseCommandFlags('validate', RUN_FLAG_SPECS, args, io);
      if (!parsed) {
        io.stderr.write(`${INVALID}: ${error.message}\n`);
        return 1;
      }
      const flags: RunFlags = runFlagsFrom(parsed);
      const { config, problems } = await loadServerConfig({
        path: flags.config ?? DEFAULT_CONFIG_PATH,
        flags,
        cwd: io.cwd,
        env: io.env,
      });
      if (!config || problems.length > 0) {
        io.stderr.write(problems.map((p) => `${INVALID}: ${formatProblem(p)}\n`).join(''));
        return 1;
      }
      const { findings } = await checkPlugins(config.plugins, {
        trustDomain: config.server.trustDomain,
        dataDir: config.server.dataDir,
      });
      const errors = findings.filter((f) => f.kind === 'error');
      if (errors.length > 0) {
        io.stderr.write(errors.map((f) => `Could not validate configuration file: ${f.message}`).join('\n'));
        return 1;
      }
      if (findings.length === 0) {
        io.stdout.write('SPIRE server configuration file is valid.\n');
        return 0;
      }
      const bySubject = new Map<string, string[]>();
      for (const f of findings) bySubject.set(f.subject, [...(bySubject.get(f.subject) ?? []), f.message]);
      let text = `${INVALID}.\nValidation errors:\n`;
      for (const [subject, notes] of bySubject) text += `\t${subject}:\n${notes.map((n) => `\t\t${n}\n`).join('')}`;
      io.stderr.write(text);
      return 1;
    },
  };
}

/** `spire-server validate`, checking plugins with the catalog. */
export const validateCommand: Command = createValidateCommand();
