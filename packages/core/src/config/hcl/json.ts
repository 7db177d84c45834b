import { ConfigSyntaxError } from '../syntax-error.js';
import type { HclItem, HclObject, HclValue, Pos } from './ast.js';

/**
 * Parses a JSON config file into the same syntax tree as HCL, keeping line and column of every
 * key. The top level must be an object. Throws ConfigSyntaxError naming file:line:col.
 */
export function parseJsonAst(text: string, file: string): HclObject {
  const p = new JsonParser(text, file);
  p.space();
  const root = p.value();
  p.space();
  if (!p.atEnd()) p.fail('end of input after the top-level value');
  if (root.kind !== 'object') {
    throw new ConfigSyntaxError('expected a JSON object at the top level', file, root.pos.line, root.pos.column);
  }
  return root;
}

class JsonParser {
  private i = 0;
  private line = 1;
  private col = 1;

  constructor(
    private readonly src: string,
    private readonly file: string,
  ) {}

  atEnd(): boolean {
    return this.i >= this.src.length;
  }

  private pos(): Pos {
    return { line: this.line, column: this.col };
  }

  fail(expected: string, at: Pos = this.pos()): never {
    const c = this.src[this.i];
    const got = c === undefined ? 'end of file' : JSON.stringify(c);
    throw new ConfigSyntaxError(`expected ${expected}, got ${got}`, this.file, at.line, at.column);
  }

  private advance(): string {
    const c = this.src[this.i++] ?? '';
    if (c === '\n') {
      this.line++;
      this.col = 1;
    } else this.col++;
    return c;
  }

  space(): void {
    while (/[ \t\r\n\uFEFF]/.test(this.src[this.i] ?? 'x')) this.advance();
  }

  value(): HclValue {
    const pos = this.pos();
    const c = this.src[this.i];
    if (c === '{') return this.object();
    if (c === '[') {
      this.advance();
      const items: HclValue[] = [];
      this.space();
      if (this.src[this.i] === ']') {
        this.advance();
        return { kind: 'list', items, pos };
      }
      for (;;) {
        this.space();
        items.push(this.value());
        this.space();
        if (this.src[this.i] === ',') this.advance();
        else if (this.src[this.i] === ']') {
          this.advance();
          return { kind: 'list', items, pos };
        } else this.fail("',' or ']' in array");
      }
    }
    if (c === '"') {
      const from = this.i;
      const value = this.string();
      return { kind: 'string', value, pos, raw: this.src.slice(from, this.i) };
    }
    for (const [word, v] of [
      ['true', true],
      ['false', false],
    ] as const) {
      if (this.src.startsWith(word, this.i)) {
        for (let k = 0; k < word.length; k++) this.advance();
        return { kind: 'bool', value: v, pos };
      }
    }
    if (this.src.startsWith('null', this.i)) {
      for (let k = 0; k < 4; k++) this.advance();
      return { kind: 'null', pos };
    }
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(this.src.slice(this.i, this.i + 64));
    if (m) {
      for (let k = 0; k < m[0].length; k++) this.advance();
      return { kind: 'number', value: Number(m[0]), pos, raw: m[0] };
    }
    this.fail('a JSON value');
  }

  private object(): HclObject {
    const pos = this.pos();
    this.advance();
    const items: HclItem[] = [];
    this.space();
    if (this.src[this.i] === '}') {
      this.advance();
      return { kind: 'object', items, pos };
    }
    for (;;) {
      this.space();
      const kpos = this.pos();
      if (this.src[this.i] !== '"') this.fail('a quoted key');
      const from = this.i;
      const name = this.string();
      const raw = this.src.slice(from, this.i);
      this.space();
      if (this.src[this.i] !== ':') this.fail(`':' after key ${JSON.stringify(name)}`);
      this.advance();
      this.space();
      items.push({ keys: [{ name, pos: kpos, raw }], value: this.value() });
      this.space();
      if (this.src[this.i] === ',') this.advance();
      else if (this.src[this.i] === '}') {
        this.advance();
        return { kind: 'object', items, pos };
      } else this.fail("',' or '}' in object");
    }
  }

  private string(): string {
    const start = this.pos();
    this.advance();
    let out = '';
    for (;;) {
      const c = this.src[this.i];
      if (c === undefined || c === '\n') this.fail('\'"\' to end the string', start);
      if (c === '"') {
        this.advance();
        return out;
      }
      if (c === '\\') {
        const at = this.pos();
        this.advance();
        const e = this.advance();
        const map: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        if (map[e] !== undefined) out += map[e];
        else if (e === 'u') {
          let h = '';
          for (let k = 0; k < 4; k++) h += this.advance();
          if (!/^[0-9a-fA-F]{4}$/.test(h)) this.fail('four hex digits after \\u', at);
          out += String.fromCharCode(parseInt(h, 16));
        } else this.fail('a valid escape sequence', at);
        continue;
      }
      out += this.advance();
    }
  }
}
