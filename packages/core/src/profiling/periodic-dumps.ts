import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { errorMessage } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { createDumper, type Dumper } from './dumpers.js';

/** Where profiles are written unless told otherwise: `.profiles` below the working directory, as upstream. */
export const DEFAULT_PROFILES_DIR = '.profiles';

/** The server's tag in profile file names (`<timestamp>_server_<name>.<ext>`). */
const TAG = 'server';

/** Options of {@link startPeriodicDumps}. */
export interface PeriodicDumpOptions {
  /** `profiling_freq`: seconds between ticks; more than 0. */
  freqSeconds: number;
  /** `profiling_names`: the profiles written on each tick. */
  names: readonly string[];
  /** The directory written to; default {@link DEFAULT_PROFILES_DIR} (relative to the working directory). */
  dir?: string;
  /** The clock that names the files (tests). */
  now?: () => Date;
  log: Logger;
}

/** Running periodic dumps. */
export interface PeriodicDumps {
  /** The directory written to. */
  readonly dir: string;
  /** The names being dumped, in order. */
  readonly names: readonly string[];
  /** Writes one tick's profiles now, as the timer does (tests). Resolves when they are written. */
  dumpNow(): Promise<void>;
  /** Stops the timer, waits for a tick in progress, and releases the dumpers. Safe to call twice. */
  stop(): Promise<void>;
}

/** `YYYY-MM-DD_HHMMSS` in local time, the timestamp upstream puts in front of each file name. */
export function profileTimestamp(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}_${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

/**
 * Every `freqSeconds`, writes each named profile to `<dir>/<YYYY-MM-DD_HHMMSS>_server_<name>.<ext>`
 * (mode 0600; the directory is created 0700 when missing). A name that cannot be dumped (`trace`)
 * or a dumper that cannot start is logged and left out; when none is left, logs upstream's
 * `Failed to run profiling` / `there are no dumpers active` and resolves to undefined. A failed
 * dump is logged and the next tick tries again. Never rejects.
 */
export async function startPeriodicDumps(opts: PeriodicDumpOptions): Promise<PeriodicDumps | undefined> {
  const { log } = opts;
  const dir = opts.dir ?? DEFAULT_PROFILES_DIR;
  const now = opts.now ?? (() => new Date());
  const dumpers = new Map<string, Dumper>();
  for (const name of new Set(opts.names)) {
    const d = createDumper(name);
    if ('unsupported' in d) log.warn({ profile: name, reason: d.unsupported }, 'Profile is not supported and is not dumped');
    else dumpers.set(name, d);
  }
  if (dumpers.size > 0) {
    try {
      await mkdir(dir, { recursive: true, mode: 0o700 });
    } catch (err) {
      log.warn({ error: errorMessage(err), dir }, 'Unable to create the profiles directory');
      dumpers.clear();
    }
  }
  for (const [name, d] of dumpers) {
    try {
      await d.prepare?.();
    } catch (err) {
      log.warn({ profile: name, error: errorMessage(err) }, 'Unable to prepare profile dumper; it is not dumped');
      d.release?.();
      dumpers.delete(name);
    }
  }
  if (dumpers.size === 0) {
    log.warn({ error: 'there are no dumpers active' }, 'Failed to run profiling');
    return undefined;
  }

  let running: Promise<void> | undefined;
  let stopped = false;
  const tick = async () => {
    const ts = profileTimestamp(now());
    for (const [name, d] of dumpers) {
      if (stopped) return;
      const file = join(dir, `${ts}_${TAG}_${name}.${d.ext}`);
      try {
        await d.dump(file);
      } catch (err) {
        log.warn({ profile: name, file, error: errorMessage(err) }, 'Failed to dump profile');
      }
    }
  };
  const dumpNow = (): Promise<void> => {
    // A tick that outlasts the period (a large heap) is not stacked behind another.
    running ??= tick().finally(() => (running = undefined));
    return running;
  };
  const timer = setInterval(() => void dumpNow(), opts.freqSeconds * 1000);
  timer.unref();
  log.info({ dir, freq: opts.freqSeconds, profiles: [...dumpers.keys()].join(',') }, 'Writing profiles periodically');

  let stopping: Promise<void> | undefined;
  return {
    dir,
    names: [...dumpers.keys()],
    dumpNow,
    stop: () =>
      (stopping ??= (async () => {
        stopped = true;
        clearInterval(timer);
        await running;
        for (const d of dumpers.values()) d.release?.();
      })()),
  };
}
