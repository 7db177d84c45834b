import { ConfigSyntaxError } from '../syntax-error.js';
import type { HclItem, HclKey, HclList, HclObject, HclValue, Pos } from './ast.js';
import { Lexer, describeToken, type Token } from './lexer.js';

/**
 * Parses HCL version 1 (the dialect SPIRE's config files use) into a syntax tree:
 * `key = value`, blocks `name { }`, labelled blocks `name "a" "b" { }` (labels quoted or bare),
 * strings with escapes, heredocs (`<<EOF`, `<<-EOF`), numbers, booleans, lists with optional
 * trailing comma, objects, and `#`, `//` and `/* *\/` comments. A document that is one braced
 * object (`{ key = "v" }`) is read as its members.
 *
 * Throws ConfigSyntaxError naming file:line:col and what was expected.
 */
export function parseHclAst(text: string, file: string): HclObject {
  return new Parser(new Lexer(text, file).tokens(), file).document();
}

class Parser {
  private i = 0;

  constructor(
    private readonly toks: Token[],
    private readonly file: string,
  ) {}

  private peek(): Token {
    return this.toks[this.i]!;
  }

  private take(): Token {
    const t = this.toks[this.i]!;
    if (t.type !== 'eof') this.i++;
    return t;
  }

  private fail(expected: string, got: Token): never {
    throw new ConfigSyntaxError(`expected ${expected}, got ${describeToken(got)}`, this.file, got.pos.line, got.pos.column);
  }

  document(): HclObject {
    const pos: Pos = { line: 1, column: 1 };
    // No item starts with '{', so a leading brace can only be a whole-document object.
    if (this.peek().type === 'lbrace') {
      const obj = this.object();
      const after = this.peek();
      if (after.type !== 'eof') this.fail('end of input after the closing brace', after);
      return { kind: 'object', items: obj.items, pos };
    }
    const items = this.items('eof');
    return { kind: 'object', items, pos };
  }

  /** Items up to (not including) the closing token: `rbrace` inside objects, `eof` at top level. */
  private items(close: 'rbrace' | 'eof'): HclItem[] {
    const items: HclItem[] = [];
    for (;;) {
      const t = this.peek();
      if (t.type === close) return items;
      if (t.type === 'eof') this.fail("'}' to close the object", t);
      items.push(this.item());
      if (this.peek().type === 'comma') this.take();
    }
  }

  private item(): HclItem {
    const keys: HclKey[] = [];
    for (;;) {
      const t = this.peek();
      if (t.type === 'ident' || t.type === 'string') {
        this.take();
        keys.push({ name: t.text, pos: t.pos });
        continue;
      }
      if (keys.length === 0) this.fail(close(t) ? 'a key' : 'a key (identifier or quoted string)', t);
      if (t.type === 'assign') {
        if (keys.length > 1) {
          this.fail(`'{' after block labels (a labelled block "${keys[0]!.name}" cannot be assigned with '=')`, t);
        }
        this.take();
        return { keys, value: this.value() };
      }
      if (t.type === 'lbrace') return { keys, value: this.object() };
      this.fail(`'=' or '{' after key ${JSON.stringify(keys[keys.length - 1]!.name)}`, t);
    }
  }

  private object(): HclObject {
    const open = this.take();
    const items = this.items('rbrace');
    this.take();
    return { kind: 'object', items, pos: open.pos };
  }

  private list(): HclList {
    const open = this.take();
    const items: HclValue[] = [];
    for (;;) {
      const t = this.peek();
      if (t.type === 'rbrack') {
        this.take();
        return { kind: 'list', items, pos: open.pos };
      }
      items.push(this.value());
      const sep = this.peek();
      if (sep.type === 'comma') this.take();
      else if (sep.type !== 'rbrack') this.fail("',' or ']' in list", sep);
    }
  }

  private value(): HclValue {
    const t = this.peek();
    switch (t.type) {
      case 'string':
      case 'heredoc':
        this.take();
        return { kind: 'string', value: t.text, pos: t.pos };
      case 'number':
        this.take();
        return { kind: 'number', value: t.num!, pos: t.pos };
      case 'bool':
        this.take();
        return { kind: 'bool', value: t.bool!, pos: t.pos };
      case 'lbrace':
        return this.object();
      case 'lbrack':
        return this.list();
      default:
        this.fail('a value (string, number, bool, list or object)', t);
    }
  }
}

function close(t: Token): boolean {
  return t.type === 'rbrace' || t.type === 'rbrack';
}
