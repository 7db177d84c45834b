import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { Logger } from '../index.js';

/** A debug-level logger whose JSON records are kept in `records`, for assertions. */
export function captureLog(): { log: Logger; records: Record<string, unknown>[]; find(msg: string): Record<string, unknown> | undefined } {
  const records: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim() !== '') records.push(JSON.parse(line) as Record<string, unknown>);
      cb();
    },
  });
  const log = pino({ level: 'trace' }, sink);
  return { log, records, find: (msg) => records.find((r) => r.msg === msg) };
}

/** True when no process with this ID exists any more. */
export function processGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** Waits until `cond` holds, polling every 20ms, up to `ms`. Resolves with the last result. */
export async function eventually(cond: () => boolean, ms = 3000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return cond();
}
