import { formatProblem } from '../../config/problem.js';
import { DEFAULT_CONFIG_PATH, loadServerConfig } from '../../config/load.js';
import { errorMessage } from '../../errors.js';
import type { SpireServer } from '../../server/server.js';
import { fail, flagHelp, parseCommandFlags, type CliIO, type Command } from '../command.js';
import { VERSION } from '../version.js';
import { RUN_FLAG_SPECS, runFlagsFrom } from './validate.js';

/** Signals that stop the server gracefully. */
const STOP_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];

/**
 * `spire-server run`: loads the config (flags override the file), starts the server, and runs
 * until SIGINT or SIGTERM, then stops gracefully and returns 0. Any config problem, or a part that
 * fails to start, is printed and returns 1.
 */
export const runCommand: Command = {
  name: 'run',
  synopsis: 'Runs the server',
  help: flagHelp('run', RUN_FLAG_SPECS),
  async run(args: string[], io: CliIO): Promise<number> {
    const { flags: parsed, error } = parseCommandFlags('run', RUN_FLAG_SPECS, args, io);
    if (!parsed) {
      // After the flag package's own report, SPIRE prints the error once more, bare.
      io.stderr.write(`${error.message}\n`);
      return 1;
    }
    const flags = runFlagsFrom(parsed);
    const { config, problems, warnings } = await loadServerConfig({
      path: flags.config ?? DEFAULT_CONFIG_PATH,
      flags,
      cwd: io.cwd,
      env: io.env,
    });
    if (!config) {
      // SPIRE prints a config error bare; here every problem gets its own line.
      for (const p of problems) io.stderr.write(`${formatProblem(p)}\n`);
      return 1;
    }

    let server: SpireServer;
    try {
      // Loaded here so that every other command starts without the whole server.
      const { SpireServer } = await import('../../server/server.js');
      server = new SpireServer(config);
    } catch (err) {
      return fail(io, errorMessage(err));
    }
    for (const w of warnings) server.log.warn(formatProblem(w));

    let onSignal: (signal: NodeJS.Signals) => void = () => {};
    const stopped = new Promise<void>((resolve) => {
      let stopping = false;
      onSignal = (signal) => {
        if (stopping) return;
        stopping = true;
        server.log.info({ signal }, 'Stopping server');
        void server.stop().then(resolve);
      };
    });
    for (const s of STOP_SIGNALS) process.on(s, onSignal);
    const removeHandlers = () => {
      for (const s of STOP_SIGNALS) process.off(s, onSignal);
    };

    server.log.info({ version: VERSION, trust_domain: config.server.trustDomain.name }, 'Starting server');
    try {
      await server.start();
    } catch (err) {
      removeHandlers();
      server.log.error({ error: errorMessage(err) }, 'Server failed to start');
      return fail(io, errorMessage(err));
    }
    server.log.info('Server started');
    await stopped;
    removeHandlers();
    server.log.info('Server stopped');
    return 0;
  },
};
