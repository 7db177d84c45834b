import type { Logger__Output } from '../../../proto/gen/api/spire/api/types/Logger.js';
import type { ApiCommandContext } from '../../api-command.js';

/** spire.api.types.Logger as proto-loader presents it (generated). */
export type ProtoLogger = Logger__Output;

/** API level names to logrus names, as SPIRE prints them. */
const NAMES: Record<string, string> = { PANIC: 'panic', FATAL: 'fatal', ERROR: 'error', WARN: 'warning', INFO: 'info', DEBUG: 'debug', TRACE: 'trace' };
/** logrus.ParseLevel inputs to API levels. */
export const LEVELS: Record<string, string> = { panic: 'PANIC', fatal: 'FATAL', error: 'ERROR', warn: 'WARN', warning: 'WARN', info: 'INFO', debug: 'DEBUG', trace: 'TRACE' };

/** Prints the levels as SPIRE does (or the JSON answer); throws on a level it does not know. */
export async function print(ctx: ApiCommandContext, l: ProtoLogger): Promise<void> {
  if (ctx.json) return ctx.printJson({ type: 'spire.api.types.Logger', msg: l });
  const current = NAMES[l.current_level];
  if (!current) throw new Error('internal error: returned current log level is undefined; please report this as a bug');
  const launch = NAMES[l.launch_level];
  if (!launch) throw new Error('internal error: returned launch log level is undefined; please report this as a bug');
  ctx.out(`Logger Level : ${current}\nLaunch Level : ${launch}\n\n`);
}
