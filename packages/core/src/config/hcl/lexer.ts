import { ConfigSyntaxError } from '../syntax-error.js';
import type { Pos } from './ast.js';

export type TokenType =
  | 'ident'
  | 'string'
  | 'heredoc'
  | 'number'
  | 'bool'
  | 'lbrace'
  | 'rbrace'
  | 'lbrack'
  | 'rbrack'
  | 'assign'
  | 'comma'
  | 'comment'
  | 'eof';

export interface Token {
  type: TokenType;
  /** Decoded text: string contents without quotes and with escapes applied, identifier name, etc. */
  text: string;
  /** For numbers and booleans, the value. */
  num?: number;
  bool?: boolean;
  pos: Pos;
  /** The token exactly as written (strings with their quotes and escapes, a heredoc from `<<` to its anchor). */
  raw: string;
}

/** How a token type is named in "expected ..., got ..." messages. */
export function describeToken(t: Token): string {
  switch (t.type) {
    case 'ident':
      return `identifier ${t.text}`;
    case 'string':
      return 'string';
    case 'heredoc':
      return 'heredoc';
    case 'number':
      return `number ${t.text}`;
    case 'bool':
      return `bool ${t.text}`;
    case 'lbrace':
      return "'{'";
    case 'rbrace':
      return "'}'";
    case 'lbrack':
      return "'['";
    case 'rbrack':
      return "']'";
    case 'assign':
      return "'='";
    case 'comma':
      return "','";
    case 'comment':
      return 'comment';
    case 'eof':
      return 'end of file';
  }
}

const SIMPLE_ESCAPES: Record<string, string> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
  '"': '"',
};

function isIdentStart(c: string): boolean {
  return /[\p{L}_]/u.test(c);
}

function isIdentPart(c: string): boolean {
  return /[\p{L}\p{N}_.-]/u.test(c);
}

/**
 * Splits HCL (version 1, as SPIRE reads it) into tokens. Newlines are not tokens: HCL1 items need
 * no separator. Throws ConfigSyntaxError naming file:line:col.
 */
export class Lexer {
  private i = 0;
  private line = 1;
  private col = 1;

  /**
   * With `keepComments`, comments are returned as `comment` tokens (their raw text, as HCL1's
   * scanner gives them) for readers that keep comments; otherwise they are skipped.
   */
  constructor(
    private readonly src: string,
    private readonly file: string,
    private readonly keepComments = false,
  ) {}

  private fail(msg: string, pos: Pos = { line: this.line, column: this.col }): never {
    throw new ConfigSyntaxError(msg, this.file, pos.line, pos.column);
  }

  private peek(off = 0): string {
    return this.src[this.i + off] ?? '';
  }

  private advance(): string {
    const c = this.src[this.i++] ?? '';
    if (c === '\n') {
      this.line++;
      this.col = 1;
    } else {
      this.col++;
    }
    return c;
  }

  private skipSpaceAndComments(): void {
    for (;;) {
      const c = this.peek();
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\uFEFF') {
        this.advance();
      } else if (this.keepComments && (c === '#' || (c === '/' && (this.peek(1) === '/' || this.peek(1) === '*')))) {
        return;
      } else if (c === '#' || (c === '/' && this.peek(1) === '/')) {
        while (this.i < this.src.length && this.peek() !== '\n') this.advance();
      } else if (c === '/' && this.peek(1) === '*') {
        const start = { line: this.line, column: this.col };
        this.advance();
        this.advance();
        while (!(this.peek() === '*' && this.peek(1) === '/')) {
          if (this.i >= this.src.length) this.fail('comment not terminated: expected "*/"', start);
          this.advance();
        }
        this.advance();
        this.advance();
      } else if (c === '/') {
        this.fail("unexpected '/': comments start with '//', '/*' or '#'");
      } else {
        return;
      }
    }
  }

  /** Reads every token up to and including `eof`. */
  tokens(): Token[] {
    const out: Token[] = [];
    for (;;) {
      const t = this.next();
      out.push(t);
      if (t.type === 'eof') return out;
    }
  }

  private next(): Token {
    this.skipSpaceAndComments();
    const start = this.i;
    const t = this.scan();
    return { ...t, raw: this.src.slice(start, this.i) };
  }

  private scan(): Omit<Token, 'raw'> {
    const pos = { line: this.line, column: this.col };
    const c = this.peek();
    if (c === '') return { type: 'eof', text: '', pos };
    if (c === '#' || c === '/') return this.comment(pos);
    const single: Record<string, TokenType> = {
      '{': 'lbrace',
      '}': 'rbrace',
      '[': 'lbrack',
      ']': 'rbrack',
      '=': 'assign',
      ',': 'comma',
    };
    const st = single[c];
    if (st) {
      this.advance();
      return { type: st, text: c, pos };
    }
    if (c === '"') return this.string(pos);
    if (c === '<' && this.peek(1) === '<') return this.heredoc(pos);
    if (/[0-9]/.test(c) || ((c === '-' || c === '+') && /[0-9.]/.test(this.peek(1))) || (c === '.' && /[0-9]/.test(this.peek(1)))) {
      return this.number(pos);
    }
    if (isIdentStart(c)) {
      let text = '';
      while (this.i < this.src.length && isIdentPart(this.peek())) text += this.advance();
      if (text === 'true' || text === 'false') return { type: 'bool', text, bool: text === 'true', pos };
      return { type: 'ident', text, pos };
    }
    if (c === "'") this.fail('single-quoted strings are not HCL: use double quotes');
    this.fail(`unexpected character ${JSON.stringify(c)}`);
  }

  /** Only reached with keepComments: the comment's raw text (without a line comment's newline). */
  private comment(pos: Pos): Omit<Token, 'raw'> {
    const from = this.i;
    if (this.peek(1) === '*') {
      this.advance();
      this.advance();
      while (!(this.peek() === '*' && this.peek(1) === '/')) {
        if (this.i >= this.src.length) this.fail('comment not terminated: expected "*/"', pos);
        this.advance();
      }
      this.advance();
      this.advance();
    } else {
      while (this.i < this.src.length && this.peek() !== '\n') this.advance();
    }
    return { type: 'comment', text: this.src.slice(from, this.i), pos };
  }

  private number(pos: Pos): Omit<Token, 'raw'> {
    const rest = this.src.slice(this.i, this.i + 128);
    const m = /^[+-]?(0[xX][0-9a-fA-F]+|(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?)/.exec(rest);
    if (!m) this.fail('malformed number');
    const raw = m[0];
    for (let k = 0; k < raw.length; k++) this.advance();
    if (isIdentPart(this.peek()) && this.peek() !== '.' && this.peek() !== '-') {
      this.fail(`malformed number ${JSON.stringify(raw + this.peek())}`, pos);
    }
    let value: number;
    const body = raw.replace(/^[+-]/, '');
    if (/^0[xX]/.test(body)) value = parseInt(body.slice(2), 16);
    else if (/^0[0-7]+$/.test(body)) value = parseInt(body, 8); // Go's ParseInt with base 0, as HCL1 does
    else value = Number(body);
    if (raw.startsWith('-')) value = -value;
    return { type: 'number', text: raw, num: value, pos };
  }

  private string(pos: Pos): Omit<Token, 'raw'> {
    this.advance(); // opening quote
    let out = '';
    let braces = 0; // inside ${ ... } quotes do not end the string
    for (;;) {
      const c = this.peek();
      if (c === '' || (c === '\n' && braces === 0)) this.fail('string not terminated: expected \'"\'', pos);
      if (c === '"' && braces === 0) {
        this.advance();
        return { type: 'string', text: out, pos };
      }
      if (c === '$' && this.peek(1) === '{') {
        braces++;
        out += this.advance() + this.advance();
        continue;
      }
      if (c === '}' && braces > 0) {
        braces--;
        out += this.advance();
        continue;
      }
      if (c === '\\') {
        out += this.escape();
        continue;
      }
      out += this.advance();
    }
  }

  private escape(): string {
    const at = { line: this.line, column: this.col };
    this.advance(); // backslash
    const c = this.advance();
    const simple = SIMPLE_ESCAPES[c];
    if (simple !== undefined) return simple;
    const hex = (n: number): string => {
      let h = '';
      for (let k = 0; k < n; k++) h += this.advance();
      if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(h)) this.fail(`invalid escape sequence \\${c}${h}`, at);
      return h;
    };
    if (c === 'x') return String.fromCharCode(parseInt(hex(2), 16));
    if (c === 'u') return String.fromCodePoint(parseInt(hex(4), 16));
    if (c === 'U') {
      const cp = parseInt(hex(8), 16);
      if (cp > 0x10ffff) this.fail('invalid escape sequence: code point out of range', at);
      return String.fromCodePoint(cp);
    }
    if (/[0-7]/.test(c)) {
      const o = c + this.advance() + this.advance();
      if (!/^[0-7]{3}$/.test(o)) this.fail(`invalid escape sequence \\${o}`, at);
      return String.fromCharCode(parseInt(o, 8));
    }
    this.fail(`invalid escape sequence \\${c}`, at);
  }

  private heredoc(pos: Pos): Omit<Token, 'raw'> {
    this.advance();
    this.advance();
    let indent = false;
    if (this.peek() === '-') {
      indent = true;
      this.advance();
    }
    let anchor = '';
    while (this.i < this.src.length && /[\p{L}\p{N}_]/u.test(this.peek())) anchor += this.advance();
    if (anchor === '') this.fail('heredoc needs an anchor name, e.g. <<EOF', pos);
    if (this.peek() === '\r') this.advance();
    if (this.peek() !== '\n') this.fail(`expected a newline after heredoc anchor <<${indent ? '-' : ''}${anchor}`);
    this.advance();
    const lines: string[] = [];
    for (;;) {
      if (this.i >= this.src.length) this.fail(`heredoc not terminated: expected a line with ${anchor}`, pos);
      let line = '';
      while (this.i < this.src.length && this.peek() !== '\n') line += this.advance();
      const bare = line.endsWith('\r') ? line.slice(0, -1) : line;
      const ends = indent ? bare.trimStart() === anchor : bare === anchor;
      if (ends) {
        let text: string;
        if (indent) {
          const prefix = bare.slice(0, bare.length - bare.trimStart().length);
          const all = lines.every((l) => l.startsWith(prefix));
          text = all ? lines.map((l) => l.slice(prefix.length)).join('\n') : lines.join('\n');
        } else {
          text = lines.join('\n');
        }
        if (lines.length > 0) text += '\n';
        return { type: 'heredoc', text, pos };
      }
      lines.push(bare);
      if (this.i < this.src.length) this.advance(); // the newline
    }
  }
}
