import { parseDuration } from '../duration.js';
import { keyPos } from './hcl/decode.js';
import type { Pos } from './hcl/ast.js';
import { optionName, type ConfigProblem } from './problem.js';

/** Where problems and warnings of one config file are collected. */
export interface ReadContext {
  file: string;
  problems: ConfigProblem[];
  warnings: ConfigProblem[];
}

type Path = readonly (string | number)[];

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return 'a list';
  if (v === null) return 'null';
  if (typeof v === 'object') return 'a block';
  if (typeof v === 'string') return `string ${JSON.stringify(v)}`;
  return `${typeof v} ${String(v)}`;
}

function parseGoBool(s: string): boolean | undefined {
  if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(s)) return true;
  if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(s)) return false;
  return undefined;
}

/**
 * Reads the options of one block of the decoded config, converting types as SPIRE's HCL decoder
 * does (a number where a string is expected, a numeric string where an integer is expected, a
 * single value where a list is expected), and collecting every problem with the option's full
 * name and the line it was written on. `finish()` reports every key nobody asked for as unknown.
 *
 * One reader per block and per parse; not reusable.
 */
export class SectionReader {
  private readonly seen = new Set<string>();

  constructor(
    readonly ctx: ReadContext,
    readonly data: Record<string, unknown>,
    readonly path: Path,
    /** Where the block itself was written, for problems about the block as a whole. */
    readonly pos?: Pos,
    /** Keys whose value came from a command-line flag (key -> flag name), not from the file. */
    readonly flagSources: ReadonlyMap<string, string> = new Map(),
  ) {}

  /** The full option name of a key of this block. */
  name(key?: string | number): string {
    return optionName(key === undefined ? this.path : [...this.path, key]);
  }

  /** Where a key of this block was written (or the block itself). */
  posOf(key?: string): Pos | undefined {
    return (key !== undefined ? keyPos(this.data, key) : undefined) ?? this.pos;
  }

  private at(key: string | undefined, message: string, list: ConfigProblem[], pos?: Pos): void {
    list.push(this.problemFor(key, message, pos));
  }

  /**
   * A problem about `key` as `problem` would record it (option, file and line, or the flag that
   * set it), without recording it: for checks that finish after the reading, such as a lookup.
   */
  problemFor(key: string | undefined, message: string, pos?: Pos): ConfigProblem {
    const flag = key !== undefined ? this.flagSources.get(key) : undefined;
    if (flag) return { option: this.name(key), message: `${message} (set by -${flag})` };
    const p = pos ?? this.posOf(key);
    return { option: this.name(key), message, file: this.ctx.file, ...(p ? { line: p.line } : {}) };
  }

  /** Records a problem about `key` (or about the block itself when key is undefined). */
  problem(key: string | undefined, message: string, pos?: Pos): void {
    this.at(key, message, this.ctx.problems, pos);
  }

  /** Records a warning: SPIRE logs these and goes on. */
  warn(key: string | undefined, message: string): void {
    this.at(key, message, this.ctx.warnings);
  }

  /** Marks keys as known without reading them. */
  allow(...keys: string[]): void {
    for (const k of keys) this.seen.add(k);
  }

  /** True when the key is written (and not JSON null). */
  has(key: string): boolean {
    return this.data[key] !== undefined && this.data[key] !== null;
  }

  /** The raw value of a key; marks it known. */
  raw(key: string): unknown {
    this.seen.add(key);
    const v = this.data[key];
    return v === null ? undefined : v;
  }

  string(key: string): string | undefined {
    const v = this.raw(key);
    if (v === undefined) return undefined;
    if (typeof v === 'string') return v;
    if (typeof v === 'number') return String(v);
    this.problem(key, `expected a string, got ${describe(v)}`);
    return undefined;
  }

  int(key: string, opts: { min?: number; max?: number } = {}): number | undefined {
    const v = this.raw(key);
    if (v === undefined) return undefined;
    let n: number | undefined;
    if (typeof v === 'number' && Number.isInteger(v)) n = v;
    else if (typeof v === 'string' && /^[+-]?\d+$/.test(v.trim())) n = Number(v.trim());
    if (n === undefined) {
      this.problem(key, `expected an integer, got ${describe(v)}`);
      return undefined;
    }
    if ((opts.min !== undefined && n < opts.min) || (opts.max !== undefined && n > opts.max)) {
      this.problem(key, `${n} is out of range [${opts.min ?? '-inf'}, ${opts.max ?? 'inf'}]`);
      return undefined;
    }
    return n;
  }

  bool(key: string): boolean | undefined {
    const v = this.raw(key);
    if (v === undefined) return undefined;
    if (typeof v === 'boolean') return v;
    if (typeof v === 'string' && parseGoBool(v) !== undefined) return parseGoBool(v);
    this.problem(key, `expected a bool, got ${describe(v)}`);
    return undefined;
  }

  /** A Go duration string such as "6h" or "1h30m", in milliseconds. */
  duration(key: string, opts: { nonNegative?: boolean } = {}): number | undefined {
    const s = this.string(key);
    if (s === undefined) return undefined;
    try {
      const ms = parseDuration(s);
      if (opts.nonNegative && ms < 0) {
        this.problem(key, `duration ${JSON.stringify(s)} must not be negative`);
        return undefined;
      }
      return ms;
    } catch (err) {
      this.problem(key, (err as Error).message);
      return undefined;
    }
  }

  stringList(key: string): string[] | undefined {
    const v = this.raw(key);
    if (v === undefined) return undefined;
    const arr = Array.isArray(v) ? v : [v];
    const out: string[] = [];
    let ok = true;
    arr.forEach((x, i) => {
      if (typeof x === 'string') out.push(x);
      else if (typeof x === 'number') out.push(String(x));
      else {
        ok = false;
        this.problem(key, `expected a list of strings, got ${describe(x)} at index ${i}`, keyPos(arr, i));
      }
    });
    return ok ? out : undefined;
  }

  /**
   * A nested block (`name { }` or `name = { }`). A JSON one-element array of objects is accepted
   * as the block. A block given twice is a problem.
   */
  block(key: string): SectionReader | undefined {
    const v = this.raw(key);
    if (v === undefined) return undefined;
    const obj = Array.isArray(v) && v.length === 1 && isPlainObject(v[0]) ? v[0] : v;
    if (Array.isArray(obj) && obj.every(isPlainObject)) {
      this.problem(key, 'declared more than once', keyPos(obj, 1));
      return undefined;
    }
    if (!isPlainObject(obj)) {
      this.problem(key, `expected a block, got ${describe(v)}`);
      return undefined;
    }
    return new SectionReader(this.ctx, obj, [...this.path, key], this.posOf(key));
  }

  /**
   * Blocks that may repeat or be written as a list of objects (`Statsd { }` twice, or
   * `Statsd = [{ ... }, { ... }]`), in file order.
   */
  blockList(key: string): SectionReader[] {
    const v = this.raw(key);
    if (v === undefined) return [];
    const arr = Array.isArray(v) ? v : [v];
    const out: SectionReader[] = [];
    arr.forEach((x, i) => {
      const p = Array.isArray(v) ? keyPos(v, i) : this.posOf(key);
      if (!isPlainObject(x)) {
        this.problem(key, `expected a block, got ${describe(x)}`, p);
        return;
      }
      out.push(new SectionReader(this.ctx, x, Array.isArray(v) ? [...this.path, key, i] : [...this.path, key], p));
    });
    return out;
  }

  /**
   * Labelled blocks (`federates_with "td" { }` repeated, or `federates_with = { "td" = { } }`), as
   * [label, reader] pairs in file order.
   */
  labelled(key: string): [string, SectionReader][] {
    const v = this.raw(key);
    if (v === undefined) return [];
    const containers = Array.isArray(v) ? v : [v];
    const out: [string, SectionReader][] = [];
    for (const c of containers) {
      if (!isPlainObject(c)) {
        this.problem(key, `expected labelled blocks (${key} "<label>" { ... }), got ${describe(c)}`);
        continue;
      }
      for (const [label, body] of Object.entries(c)) {
        const p = keyPos(c, label);
        const blockBody = Array.isArray(body) && body.length === 1 ? body[0] : body;
        if (!isPlainObject(blockBody)) {
          this.problem(key, `expected a block for ${JSON.stringify(label)}, got ${describe(body)}`, p);
          continue;
        }
        out.push([label, new SectionReader(this.ctx, blockBody, [...this.path, key, label], p)]);
      }
    }
    return out;
  }

  /** Reports every key of this block that was not read as `unknown option`. */
  finish(): void {
    for (const k of Object.keys(this.data)) {
      if (!this.seen.has(k)) this.problem(k, 'unknown option');
    }
  }
}
