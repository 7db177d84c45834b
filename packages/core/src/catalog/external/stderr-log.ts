import type { Logger } from '../../log/logger.js';

type Level = 'trace' | 'debug' | 'info' | 'warn' | 'error';

const HCLOG_LEVELS: Record<string, Level> = {
  trace: 'trace',
  debug: 'debug',
  info: 'info',
  warn: 'warn',
  warning: 'warn',
  error: 'error',
  fatal: 'error',
};

const TEXT_PREFIXES: [string, Level][] = [
  ['[TRACE]', 'trace'],
  ['[DEBUG]', 'debug'],
  ['[INFO]', 'info'],
  ['[WARN]', 'warn'],
  ['[ERROR]', 'error'],
];

/**
 * Forwards a plugin's stderr, line by line, into the server log under the plugin's logger (so
 * each record carries its plugin_type and plugin_name). Lines in hclog's JSON form (what
 * SPIRE's Go SDK and this project's SDK write: `@level`, `@message`, `@timestamp`, other keys as
 * fields) keep their level and fields; other lines are logged as go-plugin does: by a `[LEVEL]`
 * prefix, as errors from a Go panic onwards, otherwise at debug.
 *
 * One instance per plugin process; not shared.
 */
export class StderrForwarder {
  private inPanic = false;

  constructor(private readonly log: Logger) {}

  /** Logs one line. Never throws. */
  line(raw: string): void {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '') return;
    const entry = parseHclogJson(line);
    if (entry) {
      this.log[entry.level](entry.fields, entry.message);
      return;
    }
    if (line.startsWith('panic: ') || line.startsWith('fatal error: ')) this.inPanic = true;
    if (this.inPanic) {
      this.log.error(line);
      return;
    }
    for (const [prefix, level] of TEXT_PREFIXES) {
      if (line.startsWith(prefix)) {
        this.log[level](line);
        return;
      }
    }
    this.log.debug(line);
  }
}

/** One hclog JSON record, or undefined when the line is not one. */
export function parseHclogJson(line: string): { level: Level; message: string; fields: Record<string, unknown> } | undefined {
  if (!line.startsWith('{')) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
  const rec = { ...(raw as Record<string, unknown>) };
  const message = typeof rec['@message'] === 'string' ? rec['@message'] : '';
  const levelName = typeof rec['@level'] === 'string' ? rec['@level'].toLowerCase() : 'debug';
  delete rec['@message'];
  delete rec['@level'];
  delete rec['@timestamp'];
  delete rec['@module'];
  delete rec['@caller'];
  return { level: HCLOG_LEVELS[levelName] ?? 'debug', message, fields: rec };
}
