import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { Logger } from '../log/logger.js';

/** One captured log record: its level name, message and fields. */
export type Record = { level: string; msg: string } & { [field: string]: unknown };

const LEVELS: { [n: number]: string } = { 30: 'info', 40: 'warn', 50: 'error' };

/** A logger (info and above) whose records land in `records`. */
export function capturingLog(): { log: Logger; records: Record[] } {
  const records: Record[] = [];
  const sink = new Writable({
    write: (chunk: Buffer, _enc, cb) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line.trim()) continue;
        const { level, time: _t, pid: _p, hostname: _h, ...rest } = JSON.parse(line) as { level: number; msg: string; [k: string]: unknown };
        records.push({ ...rest, level: LEVELS[level] ?? String(level) });
      }
      cb();
    },
  });
  return { log: pino({ level: 'info' }, sink) as unknown as Logger, records };
}

/** Waits for pino's asynchronous writes to reach the sink. */
export function flushed(): Promise<void> {
  return new Promise((r) => setImmediate(r));
}
