/**
 * Command-line flags in the style of Go's flag package, which SPIRE's CLI uses: single-dash names
 * (`-socketPath`), `-name value` or `-name=value`, bare `-name` for booleans, `--name` accepted too,
 * repeatable flags collected in order, and parsing stops at the first non-flag argument or `--`.
 */

import { parseDuration } from '../duration.js';
import { goQuote } from './go-format.js';

export type FlagKind = 'string' | 'bool' | 'int' | 'duration' | 'list';

export interface FlagSpec {
  name: string;
  kind: FlagKind;
  usage: string;
  /** Shown in usage; also the value when the flag is absent (not for lists). */
  default?: string | boolean | number;
  /**
   * The type word usage shows, when it is not the kind's (Go prints `value` for flags with a
   * custom flag.Value, such as `-output` or the tri-state `-banned`).
   */
  typeName?: string;
  /**
   * Checks a value as the flag's Go flag.Value.Set would, while parsing; returns the problem
   * (reported as `invalid value "<v>" for flag -<name>: <problem>`). `previous` is the value
   * the flag already had from an earlier occurrence, if any.
   */
  check?: (value: string, previous: string | undefined) => string | undefined;
}

export interface ParsedFlags {
  /** Values by flag name; lists are string[]; absent flags are missing (see `set`). */
  values: Record<string, string | boolean | number | string[]>;
  /** Names of the flags the user actually gave. */
  set: Set<string>;
  /** Arguments after the flags. */
  rest: string[];
}

/** A flag-parsing failure; its message is what Go's flag package would print. */
export class FlagError extends Error {}

/**
 * `-h` or `-help` reached the flag parser (Go's flag.ErrHelp): Go prints only the usage, no
 * message. The dispatcher answers -h before a command runs, so only a command run directly (not
 * through `main`) sees this.
 */
export class FlagHelpError extends FlagError {
  constructor() {
    super('flag: help requested');
  }
}

function parseBool(v: string): boolean | undefined {
  if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(v)) return false;
  return undefined;
}

/** Parses `args` against `specs`. Throws FlagError for unknown flags, missing or bad values. */
export function parseFlags(specs: readonly FlagSpec[], args: readonly string[]): ParsedFlags {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const values: ParsedFlags['values'] = {};
  const set = new Set<string>();
  for (const s of specs) {
    if (s.kind === 'list') values[s.name] = [];
    else if (s.default !== undefined) values[s.name] = s.default;
  }
  let i = 0;
  for (; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') {
      i++;
      break;
    }
    if (!arg.startsWith('-') || arg === '-') break;
    const body = arg.replace(/^--?/, '');
    const eq = body.indexOf('=');
    const name = eq === -1 ? body : body.slice(0, eq);
    let value: string | undefined = eq === -1 ? undefined : body.slice(eq + 1);
    const spec = byName.get(name);
    if (!spec && (name === 'h' || name === 'help')) throw new FlagHelpError();
    if (!spec) throw new FlagError(`flag provided but not defined: -${name}`);
    if (spec.kind === 'bool') {
      const b = value === undefined ? true : parseBool(value);
      if (b === undefined) throw new FlagError(`invalid boolean value "${value}" for -${name}: parse error`);
      values[name] = b;
      set.add(name);
      continue;
    }
    if (value === undefined) {
      if (i + 1 >= args.length) throw new FlagError(`flag needs an argument: -${name}`);
      value = args[++i]!;
    }
    if (spec.kind === 'duration') {
      try {
        parseDuration(value);
      } catch {
        throw new FlagError(`invalid value "${value}" for flag -${name}: parse error`);
      }
      values[name] = value;
    } else if (spec.kind === 'int') {
      if (!/^[+-]?\d+$/.test(value)) throw new FlagError(`invalid value "${value}" for flag -${name}: parse error`);
      values[name] = Number(value);
    } else if (spec.kind === 'list') {
      (values[name] as string[]).push(value);
    } else {
      const problem = spec.check?.(value, set.has(name) ? (values[name] as string) : undefined);
      if (problem !== undefined) throw new FlagError(`invalid value ${goQuote(value)} for flag -${name}: ${problem}`);
      values[name] = value;
    }
    set.add(name);
  }
  return { values, set, rest: args.slice(i) };
}

/** Defaults Go's flag package does not print, being the zero value of the flag's type. */
function isZeroDefault(s: FlagSpec): boolean {
  const d = s.default;
  return d === undefined || d === '' || d === false || d === 0 || (s.kind === 'duration' && (d === '0s' || d === '0'));
}

/**
 * Usage text for a flag set, in the layout Go's flag.PrintDefaults uses: flags in byte order, the
 * type word (none for booleans), the usage on the next line, and the default unless it is the
 * type's zero value (quoted for strings).
 */
export function flagUsage(specs: readonly FlagSpec[]): string {
  const lines: string[] = [];
  const sorted = [...specs].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const s of sorted) {
    const word = s.typeName ?? (s.kind === 'bool' ? '' : s.kind === 'list' ? 'value' : s.kind);
    lines.push(`  -${s.name}${word ? ` ${word}` : ''}`);
    const def = isZeroDefault(s) ? '' : ` (default ${s.kind === 'string' ? JSON.stringify(s.default) : String(s.default)})`;
    lines.push(`    \t${s.usage}${def}`);
  }
  return lines.join('\n');
}
