/**
 * Parser for the subset of Go's text/template that agent_path_template uses: text, actions with
 * `{{-`/`-}}` trim markers, comments, pipelines with `|`, function calls, parenthesised pipelines,
 * field chains on `.` and `$`, string/number/bool/nil literals, and `if`/`else if`/`else`/`with`.
 * Anything else (range, define, template, block, variables, assignments) is refused with an error
 * that names it, so a template never silently renders differently from SPIRE.
 */

/** A parse error in an agent path template. */
export class PathTemplateSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PathTemplateSyntaxError';
  }
}

export type Arg =
  | { kind: 'field'; base: 'dot' | 'root'; chain: string[] }
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'bool'; value: boolean }
  | { kind: 'nil' }
  | { kind: 'ident'; name: string }
  | { kind: 'pipe'; pipeline: Pipeline; chain: string[] };

export type Command = Arg[];
export type Pipeline = Command[];

export type Node =
  | { kind: 'text'; text: string }
  | { kind: 'action'; pipeline: Pipeline }
  | { kind: 'if' | 'with'; pipeline: Pipeline; body: Node[]; otherwise: Node[] };

type Tok =
  | { t: 'field'; chain: string[] }
  | { t: 'dot' }
  | { t: 'var'; name: string; chain: string[] }
  | { t: 'string'; value: string }
  | { t: 'number'; value: number }
  | { t: 'ident'; name: string }
  | { t: 'pipe' }
  | { t: 'lparen' }
  | { t: 'rparen'; chain: string[] };

const unsupportedKeywords = new Set(['range', 'define', 'template', 'block', 'break', 'continue']);

function fail(msg: string): never {
  throw new PathTemplateSyntaxError(msg);
}

function readChain(s: string, i: number): { chain: string[]; end: number } {
  const chain: string[] = [];
  while (s[i] === '.' && /[A-Za-z_]/.test(s[i + 1] ?? '')) {
    let j = i + 1;
    while (j < s.length && /[A-Za-z0-9_]/.test(s[j]!)) j++;
    chain.push(s.slice(i + 1, j));
    i = j;
  }
  return { chain, end: i };
}

const escapes: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', a: '\x07', b: '\b', f: '\f', v: '\v' };

function lexAction(s: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '|') {
      out.push({ t: 'pipe' });
      i++;
    } else if (c === '(') {
      out.push({ t: 'lparen' });
      i++;
    } else if (c === ')') {
      const { chain, end } = readChain(s, i + 1);
      out.push({ t: 'rparen', chain });
      i = end;
    } else if (c === '"') {
      let v = '';
      let j = i + 1;
      for (; j < s.length && s[j] !== '"'; j++) {
        if (s[j] === '\\') {
          const e = s[++j] ?? '';
          if (!(e in escapes)) fail(`unsupported escape \\${e} in string literal`);
          v += escapes[e];
        } else v += s[j];
      }
      if (j >= s.length) fail('unterminated quoted string');
      out.push({ t: 'string', value: v });
      i = j + 1;
    } else if (c === '`') {
      const j = s.indexOf('`', i + 1);
      if (j < 0) fail('unterminated raw quoted string');
      out.push({ t: 'string', value: s.slice(i + 1, j) });
      i = j + 1;
    } else if (c === '.') {
      const { chain, end } = readChain(s, i);
      if (chain.length === 0) {
        if (/[0-9]/.test(s[i + 1] ?? '')) {
          const m = /^\.[0-9]+/.exec(s.slice(i))!;
          out.push({ t: 'number', value: Number(m[0]) });
          i += m[0].length;
        } else {
          out.push({ t: 'dot' });
          i++;
        }
      } else {
        out.push({ t: 'field', chain });
        i = end;
      }
    } else if (c === '$') {
      let j = i + 1;
      while (j < s.length && /[A-Za-z0-9_]/.test(s[j]!)) j++;
      const { chain, end } = readChain(s, j);
      out.push({ t: 'var', name: s.slice(i, j), chain });
      i = end;
    } else if (/[-+0-9]/.test(c)) {
      const m = /^[-+]?(0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO][0-7_]+|[0-9_]*\.?[0-9_]+([eE][-+]?[0-9]+)?)/.exec(s.slice(i));
      if (!m || m[0] === '' || m[0] === '-' || m[0] === '+') fail(`bad number syntax: "${s.slice(i, i + 10)}"`);
      const raw = m[0].replace(/_/g, '');
      const neg = raw.startsWith('-');
      const body = raw.replace(/^[-+]/, '');
      const n = /^0[xXbBoO]/.test(body) ? Number(body.toLowerCase().replace(/^0o/, '0o')) : Number(body);
      if (!Number.isFinite(n)) fail(`bad number syntax: "${m[0]}"`);
      out.push({ t: 'number', value: neg ? -n : n });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      let j = i;
      while (j < s.length && /[A-Za-z0-9_]/.test(s[j]!)) j++;
      out.push({ t: 'ident', name: s.slice(i, j) });
      i = j;
    } else if (c === ':' || c === '=') {
      fail('variable declarations and assignments are not supported');
    } else if (c === "'") {
      fail('character constants are not supported');
    } else {
      fail(`unexpected "${c}" in action`);
    }
  }
  return out;
}

class ActionParser {
  private i = 0;
  constructor(
    private readonly toks: Tok[],
    private readonly isFunc: (name: string) => void,
  ) {}

  done(): boolean {
    return this.i >= this.toks.length;
  }

  pipeline(stopAtParen: boolean): Pipeline {
    const cmds: Pipeline = [];
    let cmd: Command = [];
    for (;;) {
      const tok = this.toks[this.i];
      if (!tok || (stopAtParen && tok.t === 'rparen')) break;
      this.i++;
      switch (tok.t) {
        case 'pipe':
          if (cmd.length === 0) fail('missing command before "|"');
          cmds.push(cmd);
          cmd = [];
          break;
        case 'rparen':
          fail('unexpected right paren');
          break;
        case 'lparen': {
          const inner = this.pipeline(true);
          const close = this.toks[this.i++];
          if (!close || close.t !== 'rparen') fail('unclosed left paren');
          if (inner.length === 0) fail('missing value for parenthesized pipeline');
          cmd.push({ kind: 'pipe', pipeline: inner, chain: close.chain });
          break;
        }
        case 'dot':
          cmd.push({ kind: 'field', base: 'dot', chain: [] });
          break;
        case 'field':
          cmd.push({ kind: 'field', base: 'dot', chain: tok.chain });
          break;
        case 'var':
          if (tok.name !== '$') fail(`undefined variable "${tok.name}"`);
          cmd.push({ kind: 'field', base: 'root', chain: tok.chain });
          break;
        case 'string':
          cmd.push({ kind: 'string', value: tok.value });
          break;
        case 'number':
          cmd.push({ kind: 'number', value: tok.value });
          break;
        case 'ident':
          if (tok.name === 'true' || tok.name === 'false') cmd.push({ kind: 'bool', value: tok.name === 'true' });
          else if (tok.name === 'nil') cmd.push({ kind: 'nil' });
          else {
            if (unsupportedKeywords.has(tok.name)) fail(`"${tok.name}" is not supported in agent path templates`);
            if (['if', 'else', 'end', 'with'].includes(tok.name)) fail(`unexpected "${tok.name}" in command`);
            this.isFunc(tok.name);
            cmd.push({ kind: 'ident', name: tok.name });
          }
          break;
      }
    }
    if (cmd.length > 0) cmds.push(cmd);
    else if (cmds.length > 0) fail('missing command after "|"');
    for (const c of cmds.slice(1)) {
      if (c[0]?.kind !== 'ident') fail('non-function command in pipeline stage');
    }
    return cmds;
  }
}

/** Splits template text into text and action pieces, applying trim markers and dropping comments. */
function scan(src: string): ({ text: string } | { action: string })[] {
  const pieces: ({ text: string } | { action: string })[] = [];
  let i = 0;
  let trimNext = false;
  while (i <= src.length) {
    const open = src.indexOf('{{', i);
    let text = src.slice(i, open < 0 ? src.length : open);
    if (trimNext) text = text.replace(/^\s+/, '');
    trimNext = false;
    if (open < 0) {
      if (text) pieces.push({ text });
      break;
    }
    let start = open + 2;
    if (src[start] === '-' && /\s/.test(src[start + 1] ?? '')) {
      text = text.replace(/\s+$/, '');
      start += 2;
    }
    if (text) pieces.push({ text });
    let close: number;
    if (src.startsWith('/*', src.slice(start).search(/\S/) + start)) {
      const endComment = src.indexOf('*/', start);
      if (endComment < 0) fail('unclosed comment');
      close = src.indexOf('}}', endComment);
      if (close < 0) fail('unclosed comment');
    } else {
      close = findClose(src, start);
    }
    let end = close;
    if (src[close - 1] === '-' && /\s/.test(src[close - 2] ?? '')) {
      end = close - 2;
      trimNext = true;
    }
    const body = src.slice(start, end);
    if (!body.trimStart().startsWith('/*')) pieces.push({ action: body });
    i = close + 2;
  }
  return pieces;
}

function findClose(src: string, from: number): number {
  let quote: string | undefined;
  for (let i = from; i < src.length; i++) {
    const c = src[i]!;
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === '`') quote = c;
    else if (c === '}' && src[i + 1] === '}') return i;
  }
  fail(quote ? 'unterminated quoted string' : 'unclosed action');
}

/**
 * Parses a template. `checkFunc` is called with each function name and throws when the name is
 * not available. Throws PathTemplateSyntaxError.
 */
export function parseTemplate(src: string, checkFunc: (name: string) => void): Node[] {
  type Frame = { kind: 'if' | 'with'; pipeline: Pipeline; body: Node[]; otherwise: Node[]; inElse: boolean; chained: boolean };
  const root: Node[] = [];
  const stack: Frame[] = [];
  const target = (): Node[] => {
    const top = stack[stack.length - 1];
    if (!top) return root;
    return top.inElse ? top.otherwise : top.body;
  };
  const condition = (toks: Tok[], what: string): Pipeline => {
    const p = new ActionParser(toks, checkFunc);
    const pipe = p.pipeline(false);
    if (pipe.length === 0) fail(`missing value for ${what}`);
    return pipe;
  };
  for (const piece of scan(src)) {
    if ('text' in piece) {
      target().push({ kind: 'text', text: piece.text });
      continue;
    }
    const toks = lexAction(piece.action);
    const head = toks[0];
    const word = head?.t === 'ident' ? head.name : undefined;
    if (word === 'if' || word === 'with') {
      const frame: Frame = { kind: word, pipeline: condition(toks.slice(1), word), body: [], otherwise: [], inElse: false, chained: false };
      target().push(frame as unknown as Node);
      stack.push(frame);
    } else if (word === 'else') {
      const top = stack[stack.length - 1];
      if (!top || top.inElse) fail('unexpected {{else}}');
      top.inElse = true;
      const next = toks[1];
      if (next?.t === 'ident' && (next.name === 'if' || next.name === 'with')) {
        const frame: Frame = { kind: next.name, pipeline: condition(toks.slice(2), next.name), body: [], otherwise: [], inElse: false, chained: true };
        top.otherwise.push(frame as unknown as Node);
        stack.push(frame);
      } else if (next) fail('unexpected token after else');
    } else if (word === 'end') {
      if (toks.length > 1) fail('unexpected token after end');
      let top = stack.pop();
      if (!top) fail('unexpected {{end}}');
      while (top.chained) top = stack.pop()!;
    } else {
      const p = new ActionParser(toks, checkFunc);
      const pipeline = p.pipeline(false);
      if (pipeline.length === 0) fail('missing value for command');
      target().push({ kind: 'action', pipeline });
    }
  }
  if (stack.length > 0) fail('unexpected EOF: missing {{end}}');
  // Frames carry parser-only flags; strip them into plain nodes.
  const clean = (nodes: Node[]): Node[] =>
    nodes.map((n) =>
      n.kind === 'if' || n.kind === 'with'
        ? { kind: n.kind, pipeline: n.pipeline, body: clean(n.body), otherwise: clean(n.otherwise) }
        : n,
    );
  return clean(root);
}
