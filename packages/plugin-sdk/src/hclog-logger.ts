import { pino, type DestinationStream } from 'pino';
import type { Logger } from '@spire-ts/core/plugin';

/** hclog's timestamp layout: microseconds and a zone, e.g. `2026-01-02T15:04:05.000000Z`. */
function hclogTime(): string {
  const iso = new Date().toISOString();
  return iso.replace(/\.(\d{3})Z$/, '.$1000Z');
}

/**
 * A logger for a plugin process that writes one hclog JSON record per line to stderr
 * (`@level`, `@message`, `@timestamp`, then the fields). go-plugin hosts, SPIRE's and this
 * server's, parse these lines and re-log them with their level and fields under the plugin's
 * name.
 */
export function pluginLogger(level = 'debug', dest: DestinationStream = pino.destination({ fd: 2, sync: true })): Logger {
  return pino(
    {
      level,
      messageKey: '@message',
      base: undefined,
      timestamp: () => `,"@timestamp":"${hclogTime()}"`,
      formatters: {
        level: (label) => ({ '@level': label === 'fatal' ? 'error' : label }),
      },
    },
    dest,
  );
}
