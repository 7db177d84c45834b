/**
 * A lexer for the small part of Rego that the default-policy recogniser (default-rego.ts) reads.
 * It knows Rego's lexical forms well enough not to misread a file (strings, raw strings, `#`
 * comments, numbers, multi-character operators); it does not know Rego's grammar.
 */

/** One token. `nl` stands for one or more line breaks, which separate the literals of a rule body. */
export interface RegoToken {
  kind: 'ident' | 'string' | 'number' | 'op' | 'nl';
  /** The source text, except for `string`, where it is the decoded value. */
  text: string;
  /** 1-based line the token starts on. */
  line: number;
}

/** A lexical error: where, and what. */
export class RegoLexError extends Error {
  constructor(
    readonly line: number,
    what: string,
  ) {
    super(what);
  }
}

const TWO_CHAR_OPS = new Set([':=', '==', '!=', '<=', '>=']);

/**
 * Splits Rego source into tokens. Whitespace other than line breaks and `#` comments (to the end
 * of the line, outside strings) are dropped; consecutive line breaks give one `nl` token; CRLF
 * counts as one line break. Throws RegoLexError for an unterminated or malformed string.
 */
export function lexRego(text: string): RegoToken[] {
  const out: RegoToken[] = [];
  let line = 1;
  let i = 0;
  const push = (kind: RegoToken['kind'], t: string) => out.push({ kind, text: t, line });
  while (i < text.length) {
    const c = text[i]!;
    if (c === '\n') {
      if (out.at(-1)?.kind !== 'nl') push('nl', '\n');
      line++;
      i++;
    } else if (c === ' ' || c === '\t' || c === '\r') {
      i++;
    } else if (c === '#') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"' && text[j] !== '\n') j += text[j] === '\\' ? 2 : 1;
      if (j >= text.length || text[j] !== '"') throw new RegoLexError(line, 'unterminated string');
      let value: string;
      try {
        // Rego's double-quoted strings use JSON's escapes.
        value = JSON.parse(text.slice(i, j + 1)) as string;
      } catch {
        throw new RegoLexError(line, 'malformed string');
      }
      push('string', value);
      i = j + 1;
    } else if (c === '`') {
      const j = text.indexOf('`', i + 1);
      if (j < 0) throw new RegoLexError(line, 'unterminated raw string');
      const raw = text.slice(i + 1, j);
      push('string', raw);
      line += raw.split('\n').length - 1;
      i = j + 1;
    } else if (/[A-Za-z_]/.test(c)) {
      let j = i + 1;
      while (j < text.length && /[A-Za-z0-9_]/.test(text[j]!)) j++;
      push('ident', text.slice(i, j));
      i = j;
    } else if (/[0-9]/.test(c)) {
      let j = i + 1;
      while (j < text.length && /[0-9A-Za-z_.]/.test(text[j]!)) j++;
      push('number', text.slice(i, j));
      i = j;
    } else {
      const two = text.slice(i, i + 2);
      const op = TWO_CHAR_OPS.has(two) ? two : c;
      push('op', op);
      i += op.length;
    }
  }
  return out;
}
