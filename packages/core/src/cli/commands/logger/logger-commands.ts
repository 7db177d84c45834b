import { apiCommand, type ApiCommandContext } from '../../api-command.js';
import type { Logger__Output } from '../../../proto/gen/api/spire/api/types/Logger.js';
import { goQuote } from '../../go-format.js';

/** spire.api.types.Logger as proto-loader presents it (generated). */
type ProtoLogger = Logger__Output;

/** API level names to logrus names, as SPIRE prints them. */
const NAMES: Record<string, string> = { PANIC: 'panic', FATAL: 'fatal', ERROR: 'error', WARN: 'warning', INFO: 'info', DEBUG: 'debug', TRACE: 'trace' };
/** logrus.ParseLevel inputs to API levels. */
const LEVELS: Record<string, string> = { panic: 'PANIC', fatal: 'FATAL', error: 'ERROR', warn: 'WARN', warning: 'WARN', info: 'INFO', debug: 'DEBUG', trace: 'TRACE' };

async function print(ctx: ApiCommandContext, l: ProtoLogger): Promise<void> {
  if (ctx.json) return ctx.printJson({ type: 'spire.api.types.Logger', msg: l });
  const current = NAMES[l.current_level];
  if (!current) throw new Error('internal error: returned current log level is undefined; please report this as a bug');
  const launch = NAMES[l.launch_level];
  if (!launch) throw new Error('internal error: returned launch log level is undefined; please report this as a bug');
  ctx.out(`Logger Level : ${current}\nLaunch Level : ${launch}\n\n`);
}

/** `spire-server logger get`: the current and launch log levels. */
export const loggerGetCommand = apiCommand({
  name: 'logger get',
  synopsis: 'Gets the logger details',
  flags: [],
  output: true,
  async run(ctx) {
    try {
      await print(ctx, await ctx.client.call<ProtoLogger>('logger', 'GetLogger', {}));
    } catch (err) {
      if ((err as Error).message.startsWith('internal error')) throw err;
      throw new Error(`error fetching logger: ${(err as Error).message}`);
    }
  },
});

/** `spire-server logger set -level <level>`. */
export const loggerSetCommand = apiCommand({
  name: 'logger set',
  synopsis: 'Sets the logger details',
  flags: [{ name: 'level', kind: 'string', usage: 'The new log level, one of (panic, fatal, error, warn, info, debug, trace)', default: '' }],
  output: true,
  async run(ctx) {
    const raw = ctx.str('level');
    if (raw === '') throw new Error('a value (-level) must be set');
    const level = LEVELS[raw.toLowerCase()];
    if (!level) throw new Error(`the value ${goQuote(raw)} is not a valid setting`);
    let l: ProtoLogger;
    try {
      l = await ctx.client.call<ProtoLogger>('logger', 'SetLogLevel', { new_level: level });
    } catch (err) {
      throw new Error(`failed to set log level: ${(err as Error).message}`);
    }
    await print(ctx, l);
  },
});

/** `spire-server logger reset`: back to the launch level. */
export const loggerResetCommand = apiCommand({
  name: 'logger reset',
  synopsis: 'Reset the logger details to launch level',
  flags: [],
  output: true,
  async run(ctx) {
    let l: ProtoLogger;
    try {
      l = await ctx.client.call<ProtoLogger>('logger', 'ResetLogLevel', {});
    } catch (err) {
      throw new Error(`failed to reset logger: ${(err as Error).message}`);
    }
    await print(ctx, l);
  },
});
