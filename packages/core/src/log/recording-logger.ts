import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { Logger } from './logger.js';

/** One JSON log record as pino writes it. */
export type LogRecord = { level: number; msg: string } & Record<string, unknown>;

/** A debug-level pino logger that keeps its records (tests). */
export function recordingLogger(): { log: Logger; records: LogRecord[] } {
  const records: LogRecord[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString('utf8').split('\n')) if (l.trim()) records.push(JSON.parse(l) as LogRecord);
      cb();
    },
  });
  return { log: pino({ level: 'debug' }, sink) as unknown as Logger, records };
}
