import { readFileSync } from 'node:fs';
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

/**
 * True when no process with this ID runs any more. A zombie counts as gone: a plugin orphaned
 * to a PID 1 that does not reap (as in some containers) stays a zombie after it died.
 */
export function processGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
  try {
    return /^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return true;
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
