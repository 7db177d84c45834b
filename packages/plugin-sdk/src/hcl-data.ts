import { Code, SpireError, type PluginData } from '@spire-ts/core';

/**
 * Decodes plugin_data as SPIRE sends it to an external plugin (`hcl_configuration`): HCL 1
 * attributes and blocks, or JSON (which HCL 1 also accepts). Supports `#`, `//` and block
 * comments; strings with escapes; heredocs (`<<EOF` and `<<-EOF`); numbers; booleans; lists;
 * nested objects (`key { ... }`, `key = { ... }`, and labelled blocks `key "label" { ... }`,
 * decoded as `{ key: { label: {...} } }`). A key given more than once becomes a list.
 *
 * Throws a SpireError (INVALID_ARGUMENT) naming the line of the first syntax error.
 */
export function decodePluginData(text: string): PluginData {
  const trimmed = text.trim();
  if (trimmed === '') return {};
  if (trimmed.startsWith('{')) {
    try {
      const v = JSON.parse(trimmed) as unknown;
      if (v && typeof v === 'object' && !Array.isArray(v)) return v as PluginData;
    } catch {
      // not JSON: HCL below
    }
  }
  // SPIRE prints a plugin_data block with its braces (`{\n  key = "v"\n}`); accept both forms.
  return new Parser(text).document();
}

class Parser {
  private i = 0;

  constructor(private readonly s: string) {}

  private line(): number {
    return this.s.slice(0, this.i).split('\n').length;
  }

  private fail(msg: string): never {
    throw new SpireError(Code.INVALID_ARGUMENT, `plugin_data: line ${this.line()}: ${msg}`);
  }

  /** Skips blanks and comments; newlines too unless `stopAtNewline`. */
  private skip(stopAtNewline = false): void {
    for (;;) {
      const c = this.s[this.i];
      if (c === undefined) return;
      if (c === '\n' && stopAtNewline) return;
      if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
        this.i++;
      } else if (c === '#' || (c === '/' && this.s[this.i + 1] === '/')) {
        while (this.i < this.s.length && this.s[this.i] !== '\n') this.i++;
      } else if (c === '/' && this.s[this.i + 1] === '*') {
        const end = this.s.indexOf('*/', this.i + 2);
        if (end < 0) this.fail('unterminated comment');
        this.i = end + 2;
      } else {
        return;
      }
    }
  }

  /** The whole input: object members, or one `{ ... }` object. */
  document(): PluginData {
    this.skip();
    if (this.s[this.i] !== '{') return this.body(undefined);
    this.i++;
    const out = this.body('}');
    this.skip();
    if (this.i < this.s.length) this.fail(`unexpected "${this.s[this.i]}" after the closing brace`);
    return out;
  }

  /** Object members until `close` (or the end of input when undefined). */
  body(close: string | undefined): PluginData {
    const out: PluginData = {};
    for (;;) {
      this.skip();
      const c = this.s[this.i];
      if (c === undefined) {
        if (close !== undefined) this.fail(`expected "${close}"`);
        return out;
      }
      if (c === close) {
        this.i++;
        return out;
      }
      if (c === ',') {
        this.i++;
        continue;
      }
      const key = this.key();
      this.skip(true);
      let value: unknown;
      if (this.s[this.i] === '=' || this.s[this.i] === ':') {
        this.i++;
        this.skip();
        value = this.value();
      } else {
        // A block: optional string labels, then `{`.
        const labels: string[] = [];
        while (this.s[this.i] === '"' || /[A-Za-z_]/.test(this.s[this.i] ?? '')) {
          labels.push(this.s[this.i] === '"' ? this.string() : this.key());
          this.skip(true);
        }
        if (this.s[this.i] !== '{') this.fail(`expected "=" or "{" after "${key}"`);
        this.i++;
        value = this.body('}');
        for (const l of labels.reverse()) value = { [l]: value };
      }
      add(out, key, value);
    }
  }

  private key(): string {
    if (this.s[this.i] === '"') return this.string();
    const m = /^[A-Za-z_][A-Za-z0-9_.-]*/.exec(this.s.slice(this.i));
    if (!m) this.fail(`unexpected "${this.s[this.i]}"`);
    this.i += m[0].length;
    return m[0];
  }

  private value(): unknown {
    const c = this.s[this.i];
    if (c === '"') return this.string();
    if (c === '{') {
      this.i++;
      return this.body('}');
    }
    if (c === '[') {
      this.i++;
      const list: unknown[] = [];
      for (;;) {
        this.skip();
        if (this.s[this.i] === ']') {
          this.i++;
          return list;
        }
        if (this.s[this.i] === undefined) this.fail('expected "]"');
        list.push(this.value());
        this.skip();
        if (this.s[this.i] === ',') this.i++;
        else if (this.s[this.i] !== ']') this.fail('expected "," or "]"');
      }
    }
    if (c === '<' && this.s[this.i + 1] === '<') return this.heredoc();
    const m = /^(true|false|-?\d+(\.\d+)?([eE][+-]?\d+)?)(?![A-Za-z0-9_])/.exec(this.s.slice(this.i));
    if (!m) this.fail(`unexpected "${c ?? 'end of input'}"`);
    this.i += m[0].length;
    if (m[0] === 'true') return true;
    if (m[0] === 'false') return false;
    return Number(m[0]);
  }

  private string(): string {
    const start = this.i;
    let j = this.i + 1;
    let escaped = false;
    for (; j < this.s.length; j++) {
      const ch = this.s[j];
      if (ch === '\n') break;
      if (escaped) escaped = false;
      else if (ch === '\\') escaped = true;
      else if (ch === '"') break;
    }
    if (this.s[j] !== '"') this.fail('unterminated string');
    this.i = j + 1;
    try {
      return JSON.parse(this.s.slice(start, j + 1)) as string;
    } catch {
      this.fail('bad escape in string');
    }
  }

  private heredoc(): string {
    const m = /^<<(-?)([A-Za-z_][A-Za-z0-9_]*)[ \t]*\r?\n/.exec(this.s.slice(this.i));
    if (!m) this.fail('bad heredoc');
    const indent = m[1] === '-';
    const marker = m[2]!;
    this.i += m[0].length;
    const lines: string[] = [];
    for (;;) {
      if (this.i >= this.s.length) this.fail(`heredoc "${marker}" is not closed`);
      let end = this.s.indexOf('\n', this.i);
      if (end < 0) end = this.s.length;
      const l = this.s.slice(this.i, end).replace(/\r$/, '');
      this.i = Math.min(end + 1, this.s.length);
      if (l.trim() === marker) break;
      lines.push(l);
    }
    if (indent) {
      const pad = Math.min(...lines.filter((l) => l.trim() !== '').map((l) => /^[ \t]*/.exec(l)![0].length));
      return lines.map((l) => l.slice(Number.isFinite(pad) ? pad : 0)).join('\n') + '\n';
    }
    return lines.join('\n') + '\n';
  }
}

function add(out: PluginData, key: string, value: unknown): void {
  if (!(key in out)) {
    out[key] = value;
    return;
  }
  const prev = out[key];
  const bothObjects = isObj(prev) && isObj(value);
  if (bothObjects && Object.keys(value).every((k) => !(k in prev))) {
    // `key "a" {}` then `key "b" {}` merge into one map of labels.
    Object.assign(prev, value);
    return;
  }
  out[key] = Array.isArray(prev) ? [...(prev as unknown[]), value] : [prev, value];
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
