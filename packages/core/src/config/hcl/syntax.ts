import { ConfigSyntaxError } from '../syntax-error.js';
import { Lexer, type Token, type TokenType } from './lexer.js';

/**
 * A syntax tree shaped like the one Go's HCL 1 library builds (ObjectList, ObjectItem, ObjectType,
 * ListType, LiteralType), keeping what its printer needs: every token as written, the line it
 * starts on, and the lead and line comments HCL 1 attaches to items and list elements. SPIRE
 * prints `plugin_data` from that tree; printer.ts does the same from this one.
 *
 * A line of 0 means "no position", as tokens read from JSON have in HCL 1.
 */
export interface SynComment {
  text: string;
  line: number;
}

export interface SynKey {
  /** The key as written (`"clusters"` keeps its quotes). */
  raw: string;
  /** The key's value (quotes removed, escapes applied); what field lookups compare. */
  value: string;
  line: number;
}

export interface SynItem {
  keys: SynKey[];
  /** True when the item was written with `=` (or `:` in JSON). */
  assign: boolean;
  val: SynNode;
  lead?: SynComment[];
  lineComment?: SynComment[];
}

export interface SynObject {
  kind: 'object';
  items: SynItem[];
  line: number;
}

export interface SynList {
  kind: 'list';
  items: SynNode[];
  line: number;
}

export interface SynLiteral {
  kind: 'literal';
  /** HCL 1's token type; `null` from JSON is a string with empty text, as HCL 1 makes it. */
  type: 'string' | 'heredoc' | 'number' | 'bool';
  raw: string;
  line: number;
  lead?: SynComment[];
  lineComment?: SynComment[];
}

export type SynNode = SynObject | SynList | SynLiteral;

/** The line a node starts on, as HCL 1's `Pos()` gives it (an item: its first key). */
export function itemLine(item: SynItem): number {
  return item.keys[0]?.line ?? 0;
}

/**
 * Reads HCL text into the HCL 1-shaped syntax tree, attaching comments as HCL 1's parser does:
 * a comment group ending on the line just before an item (or list literal) is its lead comment;
 * a group after a value on the same line, with the next token on a later line, is a line comment.
 * CRLF line ends are read as LF, as HCL 1 does.
 *
 * Meant for text that the config reader has already accepted; throws ConfigSyntaxError on what it
 * cannot read.
 */
export function parseHclSyntax(text: string, file: string): SynItem[] {
  const toks = new Lexer(text.replace(/\r\n/g, '\n'), file, true).tokens();
  return new SyntaxParser(toks, file).items(false);
}

class SyntaxParser {
  private i = 0;
  private tok: Token = { type: 'eof', text: '', raw: '', pos: { line: 0, column: 0 } };
  private buffered = false;
  private leadComment: SynComment[] | undefined;
  private lineComment: SynComment[] | undefined;

  constructor(
    private readonly toks: Token[],
    private readonly file: string,
  ) {}

  private fail(what: string): never {
    throw new ConfigSyntaxError(what, this.file, this.tok.pos.line, this.tok.pos.column);
  }

  private read(): Token {
    const t = this.toks[this.i]!;
    if (t.type !== 'eof') this.i++;
    return t;
  }

  private commentEndLine(t: Token): number {
    return t.pos.line + (t.raw.startsWith('/*') ? t.raw.split('\n').length - 1 : 0);
  }

  /** A run of comments no more than `gap` lines apart; leaves `tok` on the token after it. */
  private commentGroup(gap: number): { group: SynComment[]; end: number } {
    const group: SynComment[] = [];
    let end = this.tok.pos.line;
    while (this.tok.type === 'comment' && this.tok.pos.line <= end + gap) {
      group.push({ text: this.tok.raw, line: this.tok.pos.line });
      end = this.commentEndLine(this.tok);
      this.tok = this.read();
    }
    return { group, end };
  }

  /** The next token; remembers lead and line comments met on the way, as HCL 1's scan does. */
  private scan(): Token {
    if (this.buffered) {
      this.buffered = false;
      return this.tok;
    }
    const prev = this.tok;
    this.tok = this.read();
    if (this.tok.type === 'comment') {
      let group: SynComment[] | undefined;
      let end: number;
      if (this.tok.pos.line === prev.pos.line) {
        ({ group, end } = this.commentGroup(0));
        if (this.tok.pos.line !== end) this.lineComment = group;
      }
      end = -1;
      while (this.tok.type === 'comment') ({ group, end } = this.commentGroup(1));
      const t: TokenType = this.tok.type;
      if (end + 1 === this.tok.pos.line && t !== 'rbrace' && t !== 'rbrack') this.leadComment = group;
    }
    return this.tok;
  }

  private unscan(): void {
    this.buffered = true;
  }

  items(inObject: boolean): SynItem[] {
    const out: SynItem[] = [];
    for (;;) {
      if (inObject) {
        const t = this.scan();
        this.unscan();
        if (t.type === 'rbrace') break;
      }
      const item = this.item();
      if (!item) break;
      out.push(item);
      if (this.scan().type !== 'comma') this.unscan();
    }
    return out;
  }

  private item(): SynItem | undefined {
    const keys: SynKey[] = [];
    for (;;) {
      const t = this.scan();
      if (t.type === 'ident' || t.type === 'string') {
        keys.push({ raw: t.raw, value: t.text, line: t.pos.line });
        continue;
      }
      if (t.type === 'eof' && keys.length === 0) return undefined;
      if (keys.length === 0 || (t.type !== 'assign' && t.type !== 'lbrace')) this.fail('expected an item');
      break;
    }
    const item: SynItem = { keys, assign: false, val: { kind: 'object', items: [], line: 0 } };
    if (this.leadComment) {
      item.lead = this.leadComment;
      this.leadComment = undefined;
    }
    if (this.tok.type === 'assign') {
      item.assign = true;
      item.val = this.value();
    } else {
      item.val = this.object();
    }
    if (this.lineComment) {
      item.lineComment = this.lineComment;
      this.lineComment = undefined;
    }
    this.scan();
    if (item.val.line === keys[0]!.line && this.lineComment) {
      item.lineComment = this.lineComment;
      this.lineComment = undefined;
    }
    this.unscan();
    return item;
  }

  private value(): SynNode {
    const t = this.scan();
    switch (t.type) {
      case 'number':
      case 'bool':
      case 'string':
      case 'heredoc':
        return this.literal();
      case 'lbrace':
        return this.object();
      case 'lbrack':
        return this.list();
      default:
        this.fail('expected a value');
    }
  }

  private literal(): SynLiteral {
    const t = this.tok;
    return { kind: 'literal', type: t.type as SynLiteral['type'], raw: t.raw, line: t.pos.line };
  }

  /** With `tok` on `{`. */
  private object(): SynObject {
    const line = this.tok.pos.line;
    const items = this.items(true);
    if (this.scan().type !== 'rbrace') this.fail("expected '}'");
    return { kind: 'object', items, line };
  }

  /** With `tok` on `[`. */
  private list(): SynList {
    const l: SynList = { kind: 'list', items: [], line: this.tok.pos.line };
    for (;;) {
      const t = this.scan();
      switch (t.type) {
        case 'number':
        case 'bool':
        case 'string':
        case 'heredoc': {
          const lit = this.literal();
          if (this.leadComment) {
            lit.lead = this.leadComment;
            this.leadComment = undefined;
          }
          l.items.push(lit);
          break;
        }
        case 'comma': {
          this.scan();
          const last = l.items[l.items.length - 1];
          if (this.lineComment && last?.kind === 'literal') {
            last.lineComment = this.lineComment;
            this.lineComment = undefined;
          }
          this.unscan();
          break;
        }
        case 'lbrace':
          l.items.push(this.object());
          break;
        case 'lbrack':
          l.items.push(this.list());
          break;
        case 'rbrack':
          return l;
        default:
          this.fail("expected a list element or ']'");
      }
    }
  }
}
