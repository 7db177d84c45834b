import { Code } from '../../errors.js';
import type { SetLogLevelRequest__Output } from '../../proto/gen/api/spire/api/server/logger/v1/SetLogLevelRequest.js';
import type { ServiceHandlers } from '../handler.js';
import { Services } from '../proto.js';
import { makeErr } from '../status.js';
import type { ApiDeps } from './deps.js';

/**
 * API levels (spire.api.types.LogLevel) to pino's, one to one as SPIRE maps them to logrus's.
 * PANIC, above FATAL, is pino's `silent` (see parseLogLevel), so it reads back as PANIC.
 */
const TO_PINO: Record<string, string> = { PANIC: 'silent', FATAL: 'fatal', ERROR: 'error', WARN: 'warn', INFO: 'info', DEBUG: 'debug', TRACE: 'trace' };
const FROM_PINO: Record<string, string> = Object.fromEntries(Object.entries(TO_PINO).map(([api, pino]) => [pino, api]));
/** logrus's names of the API levels, which SPIRE logs (new_log_level, launch_log_level). */
const LOGRUS_NAME: Record<string, string> = { PANIC: 'panic', FATAL: 'fatal', ERROR: 'error', WARN: 'warning', INFO: 'info', DEBUG: 'debug', TRACE: 'trace' };

/** spire.api.server.logger.v1.Logger over the server's log level control. */
export function loggerService(deps: ApiDeps): ServiceHandlers {
  function current() {
    const ctl = deps.logLevels;
    if (!ctl) {
      const lvl = FROM_PINO[deps.log.level] ?? 'INFO';
      return { current_level: lvl, launch_level: lvl };
    }
    const l = ctl.levels();
    return { current_level: FROM_PINO[l.current] ?? 'UNSPECIFIED', launch_level: FROM_PINO[l.launch] ?? 'UNSPECIFIED' };
  }
  return {
    service: Services.logger,
    unary: {
      async GetLogger() {
        return current();
      },
      async SetLogLevel(req: SetLogLevelRequest__Output, ctx) {
        if (req.new_level === 'UNSPECIFIED') throw makeErr(ctx.log, Code.INVALID_ARGUMENT, 'newLevel value cannot be LogLevel_UNSPECIFIED');
        const level = typeof req.new_level === 'string' ? TO_PINO[req.new_level] : undefined;
        if (!level) throw makeErr(ctx.log, Code.INVALID_ARGUMENT, 'unsupported log level');
        ctx.log.info({ new_log_level: LOGRUS_NAME[req.new_level as string] }, 'SetLogLevel Called');
        if (deps.logLevels) deps.logLevels.set(level);
        else deps.log.level = level;
        return current();
      },
      async ResetLogLevel(_req: unknown, ctx) {
        if (!deps.logLevels) throw makeErr(ctx.log, Code.UNIMPLEMENTED, 'log level control is not available in this server');
        deps.logLevels.reset();
        ctx.log.info({ launch_log_level: LOGRUS_NAME[FROM_PINO[deps.logLevels.levels().launch] ?? ''] }, 'ResetLogLevel Called');
        return current();
      },
    },
  };
}
