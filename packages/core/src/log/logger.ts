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
  /** Append to this file (created 0640) instead of stderr. */
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

function quoteIfNeeded(v: string): string {
  return /^[A-Za-z0-9_./:@+-]+$/.test(v) ? v : JSON.stringify(v);
}

/**
 * Formats one pino JSON record as a logrus text line: `time="…" level=info msg="…" key=value`,
 * with the remaining fields sorted by key, as SPIRE prints them.
 */
export function formatTextLine(record: Record<string, unknown>): string {
  const { time, level, msg, pid: _pid, hostname: _hostname, ...rest } = record;
  const parts = [
    `time=${JSON.stringify(new Date(typeof time === 'number' ? time : Date.now()).toISOString())}`,
    `level=${PINO_LEVEL_NAMES[level as number] ?? String(level)}`,
    `msg=${JSON.stringify(typeof msg === 'string' ? msg : '')}`,
  ];
  for (const key of Object.keys(rest).sort()) {
    const v = rest[key];
    const s = typeof v === 'string' ? v : JSON.stringify(v);
    parts.push(`${key}=${quoteIfNeeded(s ?? 'null')}`);
  }
  return `${parts.join(' ')}\n`;
}

class TextStream implements DestinationStream {
  constructor(private readonly out: DestinationStream) {}
  write(line: string): void {
    let rec: Record<string, unknown>;
    try {
      rec = JSON.parse(line) as Record<string, unknown>;
    } catch {
      this.out.write(line);
      return;
    }
    this.out.write(formatTextLine(rec));
  }
}

const THIS_FILE = new URL(import.meta.url).pathname;

function callSite(): { file: string; func: string } | undefined {
  const stack = new Error().stack?.split('\n') ?? [];
  // Skip this module, pino's internals and node's own frames.
  for (const line of stack.slice(2)) {
    if (line.includes('node_modules') || line.includes(THIS_FILE) || line.includes('(node:') || line.includes(' node:')) continue;
    const m = /at (?:(\S+) \()?(.+?):(\d+):\d+\)?$/.exec(line.trim());
    if (m) return { func: m[1] ?? '<anonymous>', file: `${m[2]}:${m[3]}` };
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
  const out: DestinationStream = file ?? (process.stderr as unknown as DestinationStream);
  const dest: DestinationStream = format === 'text' ? new TextStream(out) : out;
  const log = pino(
    {
      level,
      base: undefined,
      messageKey: 'msg',
      timestamp: format === 'json' ? pino.stdTimeFunctions.isoTime : pino.stdTimeFunctions.epochTime,
      formatters: format === 'json' ? { level: (label) => ({ level: label }) } : {},
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
