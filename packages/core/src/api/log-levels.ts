import type { Logger } from '../log/logger.js';
import type { LogLevelControl } from './ports.js';

/**
 * Log level control over the server's root pino logger. Pino children follow their parent's
 * level unless given their own, so setting the root changes every subsystem, as SPIRE's
 * SetLogLevel does. The launch level is the root's level when this is made. Safe to call any time.
 */
export function pinoLevelControl(root: Logger): LogLevelControl {
  const launch = root.level;
  return {
    levels: () => ({ current: root.level, launch }),
    set: (level) => {
      root.level = level;
    },
    reset: () => {
      root.level = launch;
    },
  };
}
