/** A logger for plugin tests that keeps every record, to check what was (or was not) logged. */
import type { Logger } from '../log/logger.js';

/** One record. */
export interface LogRecord {
  level: string;
  msg: string;
  fields: Record<string, unknown>;
}

/** A Logger (pino's call shapes: `(msg)` or `(fields, msg)`) keeping its records. */
export function recordingLogger(records: LogRecord[] = [], bound: Record<string, unknown> = {}): Logger & { records: LogRecord[]; text(): string } {
  const at =
    (level: string) =>
    (a: unknown, b?: unknown): void => {
      if (typeof a === 'string') records.push({ level, msg: a, fields: { ...bound } });
      else records.push({ level, msg: String(b ?? ''), fields: { ...bound, ...(a as object) } });
    };
  const log = {
    records,
    text: () => records.map((r) => `${r.level} ${r.msg} ${JSON.stringify(r.fields)}`).join('\n'),
    level: 'debug',
    trace: at('trace'),
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    fatal: at('fatal'),
    child: (fields: Record<string, unknown>) => recordingLogger(records, { ...bound, ...fields }),
  };
  return log as unknown as Logger & { records: LogRecord[]; text(): string };
}
