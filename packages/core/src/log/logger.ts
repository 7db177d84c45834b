import { basename } from 'node:path';
import { pino, type Logger as PinoLogger, type DestinationStream, type LevelWithSilent } from 'pino';
import { ReopenableFile } from './reopenable-file.js';

/** The logger every component and plugin receives (a pino logger). */
export type Logger = PinoLogger;

/** Log options as server.conf and the `run` flags give them. */
export interface LogOptions {
  /** DEBUG, INFO, WARN or ERROR (any case); TRACE, PANIC and FATAL are accepted as logrus does. */
  level?: string;
  /** `text` (SPIRE's logrus-style key=value lines) or `json`. */
  format?: string;
  /** Append to this file (created 0640) instead of stdout. */
  file?: string;
  /** Add `file` and `func` of the call site to every record. */
  sourceLocation?: boolean;
}

const LEVELS: Record<string, LevelWithSilent> = {
  trace: 'trace',
  debug: 'debug',
  info: 'info',
  warn: 'warn',
  warning: 'warn',
  error: 'error',
  fatal: 'fatal',
  // logrus's PANIC sits above FATAL and drops fatal records too; nothing here logs at a panic
  // level, so pino's `silent` is what PANIC leaves written, and reads back as PANIC.
  panic: 'silent',
};

/** Maps a SPIRE log_level to pino's, or undefined when it is not a level. */
export function parseLogLevel(level: string): LevelWithSilent | undefined {
  return LEVELS[level.toLowerCase()];
}

const PINO_LEVEL_NAMES: Record<number, string> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warning',
  50: 'error',
  60: 'fatal',
};

/** logrus's rule: a value is written bare only when every character is one of these. */
const BARE = /^[A-Za-z0-9\-._/@^+]+$/;

function quoteIfNeeded(v: string): string {
  return BARE.test(v) ? v : JSON.stringify(v);
}

/** Go's time.RFC3339Nano in UTC: the fraction without trailing zeros, none when it is zero. */
export function rfc3339Nano(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d*?)0*Z$/, (_m, frac: string) => (frac ? `.${frac}Z` : 'Z'));
}

/** The record's fields other than time, level and msg, as logrus holds them (pino's own keys dropped). */
function fieldsOf(record: Record<string, unknown>): { time: number; level: string; msg: string; fields: Record<string, unknown> } {
  const { time, level, msg, pid: _pid, hostname: _hostname, ...fields } = record;
  return {
    time: typeof time === 'number' ? time : Date.now(),
    level: PINO_LEVEL_NAMES[level as number] ?? String(level),
    msg: typeof msg === 'string' ? msg : '',
    fields,
  };
}

/**
 * Formats one pino JSON record as a logrus text line: `time="…" level=info msg="…" key=value`,
 * the remaining fields sorted by key, values quoted only when logrus would.
 */
export function formatTextLine(record: Record<string, unknown>): string {
  const { time, level, msg, fields } = fieldsOf(record);
  const parts = [`time=${quoteIfNeeded(rfc3339Nano(time))}`, `level=${level}`, `msg=${quoteIfNeeded(msg)}`];
  for (const key of Object.keys(fields).sort()) {
    const v = fields[key];
    const s = typeof v === 'string' ? v : JSON.stringify(v);
    parts.push(`${key}=${quoteIfNeeded(s ?? 'null')}`);
  }
  return `${parts.join(' ')}\n`;
}

/**
 * Formats one pino JSON record as a logrus JSON line: every key sorted (as Go marshals a map),
 * `level` named as logrus names it, `time` in RFC3339Nano.
 */
export function formatJsonLine(record: Record<string, unknown>): string {
  const { time, level, msg, fields } = fieldsOf(record);
  const all: Record<string, unknown> = { ...fields };
  all.level = level;
  all.msg = msg;
  all.time = rfc3339Nano(time);
  const sorted: Record<string, unknown> = {};
  for (const k of Object.keys(all).sort()) sorted[k] = all[k];
  return `${JSON.stringify(sorted)}\n`;
}

/** Re-writes each pino record with `format` before it reaches `out`. */
class LogrusStream implements DestinationStream {
  constructor(
    private readonly out: DestinationStream,
    private readonly format: (record: Record<string, unknown>) => string,
  ) {}
  write(line: string): void {
    let rec: Record<string, unknown>;
    try {
      rec = JSON.parse(line) as Record<string, unknown>;
    } catch {
      this.out.write(line);
      return;
    }
    this.out.write(this.format(rec));
  }
}

const THIS_FILE = new URL(import.meta.url).pathname;

function callSite(): { file: string; func: string } | undefined {
  const stack = new Error().stack?.split('\n') ?? [];
  // Skip this module, pino's internals and node's own frames.
  for (const line of stack.slice(2)) {
    if (line.includes('node_modules') || line.includes(THIS_FILE) || line.includes('(node:') || line.includes(' node:')) continue;
    const m = /at (?:(\S+) \()?(.+?):(\d+):\d+\)?$/.exec(line.trim());
    // As logrus's caller hook: the file's base name and line, and the function's name.
    if (m) return { func: m[1] ?? '<anonymous>', file: `${basename(m[2]!)}:${m[3]}` };
  }
  return undefined;
}

/** The root logger, and the log_file it writes when one is set (to reopen on SIGUSR2). */
export interface RootLog {
  log: Logger;
  file?: ReopenableFile;
}

/**
 * Makes the root logger. Throws an Error naming the option when the level or format is invalid,
 * or when the log file cannot be opened.
 */
export function createRootLog(opts: LogOptions = {}): RootLog {
  const level = parseLogLevel(opts.level ?? 'INFO');
  if (!level) throw new Error(`log_level: unknown level "${opts.level}"`);
  const format = (opts.format ?? 'text').toLowerCase();
  if (format !== 'text' && format !== 'json') throw new Error(`log_format: must be "text" or "json"; got "${opts.format}"`);

  const file = opts.file ? new ReopenableFile(opts.file) : undefined;
  // As SPIRE, the log goes to stdout unless log_file is set.
  const out: DestinationStream = file ?? (process.stdout as unknown as DestinationStream);
  const dest = new LogrusStream(out, format === 'text' ? formatTextLine : formatJsonLine);
  const log = pino(
    {
      level,
      base: undefined,
      messageKey: 'msg',
      timestamp: pino.stdTimeFunctions.epochTime,
      mixin: opts.sourceLocation ? () => callSite() ?? {} : undefined,
    },
    dest,
  );
  return file ? { log, file } : { log };
}

/** The root logger alone (see createRootLog); throws as it does. */
export function createLogger(opts: LogOptions = {}): Logger {
  return createRootLog(opts).log;
}

/** A logger that drops everything, for tests and tools. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
