import { lexRego, RegoLexError, type RegoToken } from './rego-lexer.js';

/**
 * A parser for the Rego subset a policy in the shape of SPIRE's default policy is written in:
 * `package`, `import`, `default` rules, a rule whose value is an object of rule references, and
 * rules with a body of plain references, comparisons and `some ... in`. Anything outside that
 * subset is a RegoShapeError, which is what the recogniser wants: such a file cannot be the
 * default policy.
 */

/** A file that is not in the subset, or not the default policy: where, and why. */
export class RegoShapeError extends Error {
  constructor(
    /** 1-based line, or 0 when the problem is with the file as a whole. */
    readonly line: number,
    readonly reason: string,
  ) {
    super(line > 0 ? `line ${line}: ${reason}` : reason);
  }
}

/** One step of a reference: `.name` or `["name"]` is a key; `[x]` (including `[_]`) a variable. */
export type RefStep = { key: string } | { var: string };

/** A reference such as `r.full_method` or `data.apis[_]`. */
export interface Ref {
  head: string;
  steps: RefStep[];
}

/** A scalar constant, as its source text (a string as JSON). */
export interface Scalar {
  scalar: string;
}

/** An operand of a comparison. */
export type Term = Ref | Scalar;

/** The comparison operators of a body literal; the recogniser uses only the first three. */
export type CompareOp = ':=' | '=' | '==' | '!=' | '<' | '>' | '<=' | '>=';
const COMPARE_OPS: CompareOp[] = [':=', '=', '==', '!=', '<', '>', '<=', '>='];

/** One literal of a rule body. */
export type Literal =
  | { kind: 'some-in'; key?: string; item: string; source: Ref }
  | { kind: 'compare'; op: CompareOp; left: Term; right: Term }
  | { kind: 'ref'; ref: Ref }
  | { kind: 'not'; inner: Literal };

/** One top-level statement after `package` and the imports. */
export type Statement =
  /** `value` is the source text of the default (a string as JSON). */
  | { kind: 'default'; name: string; value: string; line: number }
  | { kind: 'object'; name: string; entries: Array<{ key: string; value: Ref; line: number }>; line: number }
  | { kind: 'body'; name: string; literals: Literal[]; hasIf: boolean; line: number };

/** A parsed module. */
export interface RegoModule {
  package: string;
  imports: string[];
  statements: Statement[];
}

/** Rego keywords, which are never variable or rule names. */
export const REGO_KEYWORDS = new Set(['as', 'contains', 'default', 'else', 'every', 'false', 'if', 'import', 'in', 'not', 'null', 'package', 'some', 'true', 'with']);

class Parser {
  private pos = 0;
  constructor(private readonly toks: RegoToken[]) {}

  private peek(): RegoToken | undefined {
    return this.toks[this.pos];
  }

  private skipNl(): void {
    while (this.peek()?.kind === 'nl') this.pos++;
  }

  private fail(tok = this.peek()): never {
    const what = tok === undefined ? 'end of file' : tok.kind === 'nl' ? 'line break' : JSON.stringify(tok.text);
    throw new RegoShapeError(tok?.line ?? this.toks.at(-1)?.line ?? 1, `unexpected ${what}`);
  }

  private isOp(text: string): boolean {
    const t = this.peek();
    return t?.kind === 'op' && t.text === text;
  }

  private isIdent(text?: string): boolean {
    const t = this.peek();
    return t?.kind === 'ident' && (text === undefined || t.text === text);
  }

  private expectOp(text: string): void {
    if (!this.isOp(text)) this.fail();
    this.pos++;
  }

  private ident(): RegoToken {
    const t = this.peek();
    if (t?.kind !== 'ident') this.fail();
    this.pos++;
    return t;
  }

  /** A statement ends at a line break or the end of the file. */
  private endOfStatement(): void {
    const t = this.peek();
    if (t !== undefined && t.kind !== 'nl') this.fail();
  }

  private dotted(): string {
    const parts = [this.ident().text];
    while (this.isOp('.')) {
      this.pos++;
      parts.push(this.ident().text);
    }
    return parts.join('.');
  }

  private ref(): Ref {
    const head = this.ident();
    if (REGO_KEYWORDS.has(head.text)) this.fail(head);
    const steps: RefStep[] = [];
    for (;;) {
      if (this.isOp('.')) {
        this.pos++;
        steps.push({ key: this.ident().text });
      } else if (this.isOp('[')) {
        this.pos++;
        const t = this.peek();
        if (t?.kind === 'string') steps.push({ key: t.text });
        else if (t?.kind === 'ident' && !REGO_KEYWORDS.has(t.text)) steps.push({ var: t.text });
        else this.fail();
        this.pos++;
        this.expectOp(']');
      } else {
        return { head: head.text, steps };
      }
    }
  }

  private term(): Term {
    const t = this.peek();
    if (t?.kind === 'string') {
      this.pos++;
      return { scalar: JSON.stringify(t.text) };
    }
    if (t?.kind === 'number' || (t?.kind === 'ident' && ['true', 'false', 'null'].includes(t.text))) {
      this.pos++;
      return { scalar: t.text };
    }
    return this.ref();
  }

  private literal(): Literal {
    if (this.isIdent('not')) {
      this.pos++;
      return { kind: 'not', inner: this.literal() };
    }
    if (this.isIdent('some')) {
      this.pos++;
      const first = this.ident().text;
      let second: string | undefined;
      if (this.isOp(',')) {
        this.pos++;
        second = this.ident().text;
      }
      if (!this.isIdent('in')) this.fail();
      this.pos++;
      const source = this.ref();
      return second === undefined ? { kind: 'some-in', item: first, source } : { kind: 'some-in', key: first, item: second, source };
    }
    const left = this.term();
    for (const op of COMPARE_OPS) {
      if (this.isOp(op)) {
        this.pos++;
        return { kind: 'compare', op, left, right: this.term() };
      }
    }
    if ('scalar' in left) this.fail();
    return { kind: 'ref', ref: left };
  }

  /** `{ literal (sep literal)* }`, where a separator is a line break or `;`. */
  private body(): Literal[] {
    this.expectOp('{');
    const literals: Literal[] = [];
    for (;;) {
      while (this.peek()?.kind === 'nl' || this.isOp(';')) this.pos++;
      if (this.isOp('}')) {
        this.pos++;
        return literals;
      }
      literals.push(this.literal());
      const t = this.peek();
      if (!(t?.kind === 'nl' || this.isOp(';') || this.isOp('}'))) this.fail();
    }
  }

  private object(): Array<{ key: string; value: Ref; line: number }> {
    this.expectOp('{');
    const entries: Array<{ key: string; value: Ref; line: number }> = [];
    for (;;) {
      this.skipNl();
      if (this.isOp('}')) break;
      const key = this.peek();
      if (key?.kind !== 'string') this.fail();
      this.pos++;
      this.skipNl();
      this.expectOp(':');
      this.skipNl();
      entries.push({ key: key.text, value: this.ref(), line: key.line });
      this.skipNl();
      if (this.isOp(',')) this.pos++;
      else if (!this.isOp('}')) this.fail();
    }
    this.pos++;
    return entries;
  }

  private statement(): Statement {
    if (this.isIdent('default')) {
      this.pos++;
      const name = this.ident();
      if (!this.isOp('=') && !this.isOp(':=')) this.fail();
      this.pos++;
      const value = this.peek();
      if (value === undefined || value.kind === 'nl') this.fail();
      this.pos++;
      this.endOfStatement();
      return { kind: 'default', name: name.text, value: value.kind === 'string' ? JSON.stringify(value.text) : value.text, line: name.line };
    }
    const name = this.ident();
    if (REGO_KEYWORDS.has(name.text)) this.fail(name);
    const rule = (hasIf: boolean): Statement => ({ kind: 'body', name: name.text, literals: this.body(), hasIf, line: name.line });
    if (this.isIdent('if')) {
      this.pos++;
      return rule(true);
    }
    // Rego v0 wrote a rule body without `if`.
    if (this.isOp('{')) return rule(false);
    if (!this.isOp('=') && !this.isOp(':=')) this.fail();
    this.pos++;
    if (this.isOp('{')) {
      const entries = this.object();
      this.endOfStatement();
      return { kind: 'object', name: name.text, entries, line: name.line };
    }
    if (!this.isIdent('true')) this.fail();
    this.pos++;
    if (this.isIdent('if')) {
      this.pos++;
      return rule(true);
    }
    if (this.isOp('{')) return rule(false);
    return this.fail();
  }

  module(): RegoModule {
    this.skipNl();
    if (!this.isIdent('package')) this.fail();
    this.pos++;
    const pkg = this.dotted();
    this.endOfStatement();
    const imports: string[] = [];
    const statements: Statement[] = [];
    for (;;) {
      this.skipNl();
      if (this.peek() === undefined) return { package: pkg, imports, statements };
      if (this.isIdent('import')) {
        const line = this.peek()!.line;
        this.pos++;
        const path = this.dotted();
        if (this.isIdent('as')) this.fail();
        this.endOfStatement();
        if (statements.length > 0) throw new RegoShapeError(line, 'imports must come before the rules');
        imports.push(path);
      } else {
        statements.push(this.statement());
      }
    }
  }
}

/**
 * Parses `text` as a module of the subset. Throws RegoShapeError (with the line) for anything
 * outside it, including lexical errors; never anything else.
 */
export function parseRegoSubset(text: string): RegoModule {
  let toks: RegoToken[];
  try {
    toks = lexRego(text);
  } catch (err) {
    if (err instanceof RegoLexError) throw new RegoShapeError(err.line, err.message);
    throw err;
  }
  return new Parser(toks).module();
}
