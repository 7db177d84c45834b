import { Code } from '../../errors.js';
import type { ServiceHandlers } from '../handler.js';
import { Services } from '../proto.js';
import { makeErr } from '../status.js';
import type { ApiDeps } from './deps.js';

const TO_PINO: Record<string, string> = { PANIC: 'fatal', FATAL: 'fatal', ERROR: 'error', WARN: 'warn', INFO: 'info', DEBUG: 'debug', TRACE: 'trace' };
const FROM_PINO: Record<string, string> = { fatal: 'FATAL', error: 'ERROR', warn: 'WARN', info: 'INFO', debug: 'DEBUG', trace: 'TRACE', silent: 'PANIC' };

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
      async SetLogLevel(req: { new_level: unknown }, ctx) {
        if (req.new_level === 'UNSPECIFIED') throw makeErr(ctx.log, Code.INVALID_ARGUMENT, 'newLevel value cannot be LogLevel_UNSPECIFIED');
        const level = typeof req.new_level === 'string' ? TO_PINO[req.new_level] : undefined;
        if (!level) throw makeErr(ctx.log, Code.INVALID_ARGUMENT, 'unsupported log level');
        ctx.log.info({ new_log_level: level }, 'SetLogLevel Called');
        if (deps.logLevels) deps.logLevels.set(level);
        else deps.log.level = level;
        return current();
      },
      async ResetLogLevel(_req: unknown, ctx) {
        if (!deps.logLevels) throw makeErr(ctx.log, Code.UNIMPLEMENTED, 'log level control is not available in this server');
        deps.logLevels.reset();
        ctx.log.info({ launch_log_level: deps.logLevels.levels().launch }, 'ResetLogLevel Called');
        return current();
      },
    },
  };
}
