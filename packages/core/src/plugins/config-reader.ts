import { parseDuration } from '../duration.js';

/** Plugin data as the kernel hands it to a plugin: HCL or JSON decoded to plain values. */
export type PluginData = Record<string, unknown>;

/** What a descriptor's `parseConfig` returns: the config when there are no problems. */
export interface ParseResult<C> {
  config?: C;
  problems: string[];
}

type Opts<T> = { required?: boolean; default?: T };

/**
 * Reads typed options out of plugin data while collecting every problem, each naming its option.
 * Every read marks the key as known; `finish()` reports the keys nobody read as unknown.
 *
 * Safe to use once per parse; not safe to share between parses.
 */
export class ConfigReader {
  private readonly seen = new Set<string>();
  readonly problems: string[] = [];

  constructor(
    private readonly data: PluginData,
    private readonly prefix = '',
  ) {}

  private name(key: string): string {
    return `${this.prefix}${key}`;
  }

  private get(key: string, required: boolean | undefined): unknown {
    this.seen.add(key);
    const v = this.data[key];
    if (v === undefined || v === null) {
      if (required) this.problems.push(`${this.name(key)} is required`);
      return undefined;
    }
    return v;
  }

  /** Records a problem that is not tied to one read. */
  problem(message: string): void {
    this.problems.push(message);
  }

  /** Marks keys as known without reading them (deprecated or ignored options). */
  allow(...keys: string[]): void {
    for (const k of keys) this.seen.add(k);
  }

  /** True when the key is present in the data. */
  has(key: string): boolean {
    return this.data[key] !== undefined && this.data[key] !== null;
  }

  string(key: string, opts: Opts<string> & { oneOf?: readonly string[] } = {}): string | undefined {
    const v = this.get(key, opts.required);
    if (v === undefined) return opts.default;
    if (typeof v !== 'string') {
      this.problems.push(`${this.name(key)} must be a string`);
      return opts.default;
    }
    if (opts.oneOf && !opts.oneOf.includes(v)) {
      this.problems.push(`${this.name(key)} must be one of ${opts.oneOf.map((o) => `"${o}"`).join(', ')}; got "${v}"`);
      return opts.default;
    }
    return v;
  }

  bool(key: string, opts: Opts<boolean> = {}): boolean | undefined {
    const v = this.get(key, opts.required);
    if (v === undefined) return opts.default;
    if (typeof v === 'boolean') return v;
    if (v === 'true' || v === 'false') return v === 'true';
    this.problems.push(`${this.name(key)} must be a boolean`);
    return opts.default;
  }

  int(key: string, opts: Opts<number> & { min?: number; max?: number } = {}): number | undefined {
    const v = this.get(key, opts.required);
    if (v === undefined) return opts.default;
    const n = typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isInteger(n)) {
      this.problems.push(`${this.name(key)} must be an integer`);
      return opts.default;
    }
    if (opts.min !== undefined && n < opts.min) {
      this.problems.push(`${this.name(key)} must be at least ${opts.min}; got ${n}`);
      return opts.default;
    }
    if (opts.max !== undefined && n > opts.max) {
      this.problems.push(`${this.name(key)} must be at most ${opts.max}; got ${n}`);
      return opts.default;
    }
    return n;
  }

  /** A duration string ("5m") or a number of seconds; returns milliseconds. */
  duration(key: string, opts: Opts<number> & { min?: number } = {}): number | undefined {
    const v = this.get(key, opts.required);
    if (v === undefined) return opts.default;
    let ms: number;
    if (typeof v === 'number') ms = v * 1000;
    else if (typeof v === 'string') {
      try {
        ms = parseDuration(v);
      } catch {
        this.problems.push(`${this.name(key)} must be a duration such as "30s", "5m" or "6h"; got "${v}"`);
        return opts.default;
      }
    } else {
      this.problems.push(`${this.name(key)} must be a duration such as "30s", "5m" or "6h"`);
      return opts.default;
    }
    if (opts.min !== undefined && ms < opts.min) {
      this.problems.push(`${this.name(key)} must not be negative`);
      return opts.default;
    }
    return ms;
  }

  strings(key: string, opts: Opts<string[]> = {}): string[] | undefined {
    const v = this.get(key, opts.required);
    if (v === undefined) return opts.default;
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
      this.problems.push(`${this.name(key)} must be a list of strings`);
      return opts.default;
    }
    return v as string[];
  }

  /** A nested block, read by its own reader whose problems join this one's. */
  block(key: string, opts: { required?: boolean } = {}): ConfigReader | undefined {
    const v = this.get(key, opts.required);
    if (v === undefined) return undefined;
    const obj = Array.isArray(v) && v.length === 1 ? v[0] : v;
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
      this.problems.push(`${this.name(key)} must be a block`);
      return undefined;
    }
    const child = new ConfigReader(obj as PluginData, `${this.name(key)}.`);
    this.children.push(child);
    return child;
  }

  private readonly children: ConfigReader[] = [];

  /** Reports unknown keys (here and in nested blocks) and returns every problem collected. */
  finish(): string[] {
    for (const key of Object.keys(this.data)) {
      if (!this.seen.has(key)) this.problems.push(`unknown option ${this.name(key)}`);
    }
    for (const c of this.children) this.problems.push(...c.finish());
    return this.problems;
  }

  /** Ends a parse: `{ config }` when there were no problems, else `{ problems }`. */
  result<C>(config: C): ParseResult<C> {
    const problems = this.finish();
    return problems.length > 0 ? { problems } : { config, problems };
  }
}
