import { createHash } from 'node:crypto';
import { posix } from 'node:path';

/** An execution error of an agent path template (a missing key, a bad argument). */
export class PathTemplateExecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PathTemplateExecError';
  }
}

export type TemplateFn = (...args: unknown[]) => unknown;

function fail(msg: string): never {
  throw new PathTemplateExecError(msg);
}

/** Go's truth: false, 0, nil and empty strings, slices and maps are false; everything else true. */
export function truth(v: unknown): boolean {
  if (v === undefined || v === null || v === false || v === 0 || v === '' || v === 0n) return false;
  if (Array.isArray(v) || v instanceof Uint8Array) return v.length > 0;
  if (v instanceof Map) return v.size > 0;
  return true;
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

/** How Go's fmt prints a value with %v. */
export function formatValue(v: unknown): string {
  if (v === undefined || v === null) return '<no value>';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  if (v instanceof Date) {
    return `${v.getUTCFullYear()}-${pad2(v.getUTCMonth() + 1)}-${pad2(v.getUTCDate())} ${pad2(v.getUTCHours())}:${pad2(v.getUTCMinutes())}:${pad2(v.getUTCSeconds())} +0000 UTC`;
  }
  if (v instanceof Uint8Array) return `[${Array.from(v).join(' ')}]`;
  if (Array.isArray(v)) return `[${v.map(formatValue).join(' ')}]`;
  if (v instanceof Map) {
    const keys = [...v.keys()].map(String).sort();
    return `map[${keys.map((k) => `${k}:${formatValue(v.get(k))}`).join(' ')}]`;
  }
  if (typeof v === 'object') return `{${Object.values(v).map(formatValue).join(' ')}}`;
  return String(v);
}

function str(v: unknown): string {
  return v === undefined || v === null ? '' : formatValue(v);
}

function int(v: unknown, fn: string): number {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return Number(v);
  fail(`${fn}: expected an integer, got ${formatValue(v)}`);
}

function list(v: unknown, fn: string): unknown[] {
  if (Array.isArray(v)) return v;
  if (v instanceof Uint8Array) return Array.from(v);
  fail(`${fn}: expected a list, got ${formatValue(v)}`);
}

function basicEq(a: unknown, b: unknown): boolean {
  if (typeof a === 'bigint' || typeof b === 'bigint') {
    try {
      return BigInt(a as bigint) === BigInt(b as bigint);
    } catch {
      return false;
    }
  }
  if (a === undefined || a === null) return b === undefined || b === null;
  if (typeof a === 'object' || typeof b === 'object') fail('incompatible types for comparison');
  return a === b;
}

function compare(a: unknown, b: unknown, fn: string): number {
  const ok = (x: unknown) => typeof x === 'number' || typeof x === 'string' || typeof x === 'bigint';
  if (!ok(a) || !ok(b) || (typeof a === 'string') !== (typeof b === 'string')) fail(`${fn}: incompatible types for comparison`);
  return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
}

function index(item: unknown, ...keys: unknown[]): unknown {
  let v = item;
  for (const k of keys) {
    if (Array.isArray(v) || v instanceof Uint8Array || typeof v === 'string') {
      const i = int(k, 'index');
      if (i < 0 || i >= v.length) fail(`index: index out of range: ${i}`);
      v = typeof v === 'string' ? v.charCodeAt(i) : v[i];
    } else if (v instanceof Map) {
      v = v.get(k);
    } else if (v === undefined || v === null) {
      fail('index of untyped nil');
    } else fail(`can't index item of type ${typeof v}`);
  }
  return v;
}

function printf(format: unknown, ...args: unknown[]): string {
  let n = 0;
  return String(format).replace(/%([-+# 0]*)(\d*)([a-zA-Z%])/g, (_m, _flags: string, width: string, verb: string) => {
    if (verb === '%') return '%';
    const a = args[n++];
    let s: string;
    switch (verb) {
      case 's':
      case 'v':
        s = formatValue(a);
        break;
      case 'd':
        s = String(typeof a === 'bigint' ? a : int(a, 'printf'));
        break;
      case 'x':
      case 'X': {
        if (typeof a === 'string') s = Buffer.from(a, 'utf8').toString('hex');
        else if (a instanceof Uint8Array) s = Buffer.from(a).toString('hex');
        else s = BigInt(typeof a === 'bigint' ? a : int(a, 'printf')).toString(16);
        if (verb === 'X') s = s.toUpperCase();
        break;
      }
      case 'q':
        s = JSON.stringify(formatValue(a));
        break;
      default:
        fail(`printf: verb %${verb} is not supported`);
    }
    return width ? s.padStart(Number(width), _flags.includes('0') ? '0' : ' ') : s;
  });
}

function goRegex(pattern: unknown): RegExp {
  try {
    return new RegExp(String(pattern), 'g');
  } catch (e) {
    fail(`bad regular expression: ${(e as Error).message}`);
  }
}

/** Go's and sprig's function names SPIRE's agent_path_template offers, as implemented here. */
export const templateFuncs: Readonly<Record<string, TemplateFn>> = {
  // text/template built-ins
  and: (...a) => a.find((x) => !truth(x)) ?? a[a.length - 1],
  or: (...a) => a.find((x) => truth(x)) ?? a[a.length - 1],
  not: (a) => !truth(a),
  eq: (a, ...b) => {
    if (b.length === 0) fail('eq: missing argument for comparison');
    return b.some((x) => basicEq(a, x));
  },
  ne: (a, b) => !basicEq(a, b),
  lt: (a, b) => compare(a, b, 'lt') < 0,
  le: (a, b) => compare(a, b, 'le') <= 0,
  gt: (a, b) => compare(a, b, 'gt') > 0,
  ge: (a, b) => compare(a, b, 'ge') >= 0,
  len: (a) => {
    if (typeof a === 'string') return Buffer.byteLength(a, 'utf8');
    if (Array.isArray(a) || a instanceof Uint8Array) return a.length;
    if (a instanceof Map) return a.size;
    fail(`len of type ${typeof a}`);
  },
  index,
  print: (...a) => a.map(str).join(''),
  println: (...a) => `${a.map(str).join(' ')}\n`,
  printf: (f, ...a) => printf(f, ...a),
  urlquery: (...a) => encodeURIComponent(a.map(str).join('')).replace(/%20/g, '+'),
  slice: (item, ...ix) => {
    if (typeof item !== 'string' && !Array.isArray(item)) fail('slice: can\'t slice item');
    const from = ix[0] === undefined ? 0 : int(ix[0], 'slice');
    const to = ix[1] === undefined ? item.length : int(ix[1], 'slice');
    if (from < 0 || to > item.length || from > to) fail(`slice: index out of range: ${from}:${to}`);
    return item.slice(from, to);
  },
  // sprig: strings
  lower: (s) => str(s).toLowerCase(),
  upper: (s) => str(s).toUpperCase(),
  title: (s) => str(s).replace(/(^|\s)(\S)/g, (_m, a: string, b: string) => a + b.toUpperCase()),
  untitle: (s) => str(s).replace(/(^|\s)(\S)/g, (_m, a: string, b: string) => a + b.toLowerCase()),
  trim: (s) => str(s).trim(),
  trimAll: (cut, s) => {
    const chars = new Set(str(cut));
    const a = [...str(s)];
    let i = 0;
    let j = a.length;
    while (i < j && chars.has(a[i]!)) i++;
    while (j > i && chars.has(a[j - 1]!)) j--;
    return a.slice(i, j).join('');
  },
  trimPrefix: (p, s) => (str(s).startsWith(str(p)) ? str(s).slice(str(p).length) : str(s)),
  trimSuffix: (p, s) => (str(p) !== '' && str(s).endsWith(str(p)) ? str(s).slice(0, -str(p).length) : str(s)),
  trunc: (n, s) => {
    const c = int(n, 'trunc');
    const v = str(s);
    if (c < 0) return v.length + c < 0 ? v : v.slice(v.length + c);
    return v.length > c ? v.slice(0, c) : v;
  },
  substr: (start, end, s) => {
    const v = str(s);
    let a = int(start, 'substr');
    let b = int(end, 'substr');
    if (a < 0) return v.slice(0, b);
    if (b < 0 || b > v.length) b = v.length;
    if (a > b) a = b;
    return v.slice(a, b);
  },
  repeat: (n, s) => str(s).repeat(Math.max(0, int(n, 'repeat'))),
  replace: (old, nu, s) => str(s).split(str(old)).join(str(nu)),
  nospace: (s) => str(s).replace(/\s/g, ''),
  contains: (sub, s) => str(s).includes(str(sub)),
  hasPrefix: (p, s) => str(s).startsWith(str(p)),
  hasSuffix: (p, s) => str(s).endsWith(str(p)),
  quote: (...a) => a.filter((x) => x !== undefined && x !== null).map((x) => JSON.stringify(str(x))).join(' '),
  squote: (...a) => a.filter((x) => x !== undefined && x !== null).map((x) => `'${str(x)}'`).join(' '),
  cat: (...a) => a.filter((x) => x !== undefined && x !== null).map(str).join(' '),
  toString: (v: unknown) => str(v),
  // sprig: hashes and encodings
  sha1sum: (s) => createHash('sha1').update(str(s)).digest('hex'),
  sha256sum: (s) => createHash('sha256').update(str(s)).digest('hex'),
  b64enc: (s) => Buffer.from(str(s), 'utf8').toString('base64'),
  b64dec: (s) => Buffer.from(str(s), 'base64').toString('utf8'),
  // sprig: defaults and lists
  default: (d, ...given) => (given.length === 0 || !truth(given[0]) ? d : given[0]),
  empty: (v) => !truth(v),
  coalesce: (...a) => a.find((x) => truth(x)),
  ternary: (yes, no, cond) => (truth(cond) ? yes : no),
  list: (...a) => a,
  join: (sep, l) => (typeof l === 'string' ? l : list(l, 'join').map(str).join(str(sep))),
  splitList: (sep, s) => str(s).split(str(sep)),
  first: (l) => list(l, 'first')[0],
  last: (l) => {
    const a = list(l, 'last');
    return a[a.length - 1];
  },
  rest: (l) => list(l, 'rest').slice(1),
  initial: (l) => list(l, 'initial').slice(0, -1),
  has: (needle, l) => list(l, 'has').some((x) => x === needle),
  // sprig: paths
  base: (s) => posix.basename(str(s)) || '.',
  dir: (s) => posix.dirname(str(s)),
  clean: (s) => posix.normalize(str(s) || '.').replace(/(.)\/$/, '$1'),
  ext: (s) => posix.extname(str(s)),
  isAbs: (s) => posix.isAbsolute(str(s)),
  // sprig: regular expressions (JavaScript syntax, which matches RE2 for common patterns)
  regexMatch: (re, s) => goRegex(re).test(str(s)),
  regexFind: (re, s) => str(s).match(goRegex(re))?.[0] ?? '',
  regexFindAll: (re, s, n) => {
    const all = str(s).match(goRegex(re)) ?? [];
    const lim = int(n, 'regexFindAll');
    return lim < 0 ? all : all.slice(0, lim);
  },
  regexReplaceAll: (re, s, repl) => str(s).replace(goRegex(re), str(repl).replace(/\$\{?(\d+)\}?/g, '$$$1')),
  regexReplaceAllLiteral: (re, s, repl) => str(s).replace(goRegex(re), () => str(repl)),
  regexSplit: (re, s, n) => {
    const parts = str(s).split(new RegExp(String(re)));
    const lim = int(n, 'regexSplit');
    return lim < 0 ? parts : parts.slice(0, lim);
  },
};

/**
 * Functions SPIRE's agent_path_template offers that this server does not implement. Using one is a
 * configuration error naming it, never a silent difference.
 */
export const unimplementedSpireFuncs: ReadonlySet<string> = new Set([
  'abbrev', 'abbrevboth', 'initials', 'swapcase', 'snakecase', 'camelcase', 'kebabcase', 'wrap',
  'wrapWith', 'indent', 'nindent', 'plural', 'adler32sum', 'seq', 'toStrings', 'sortAlpha',
  'all', 'any', 'compact', 'mustCompact', 'b32enc', 'b32dec', 'tuple', 'dict', 'get', 'set',
  'unset', 'hasKey', 'pluck', 'keys', 'pick', 'omit', 'merge', 'mergeOverwrite', 'mustMerge',
  'mustMergeOverwrite', 'values', 'append', 'push', 'mustAppend', 'mustPush', 'prepend',
  'mustPrepend', 'mustFirst', 'mustRest', 'mustLast', 'mustInitial', 'reverse', 'mustReverse',
  'uniq', 'mustUniq', 'without', 'mustWithout', 'mustHas', 'mustSlice', 'concat', 'dig', 'chunk',
  'mustChunk', 'uuidv4', 'fail', 'mustRegexMatch', 'mustRegexFindAll', 'mustRegexFind',
  'mustRegexReplaceAll', 'mustRegexReplaceAllLiteral', 'mustRegexSplit', 'regexQuoteMeta',
  'urlParse', 'urlJoin', 'html', 'js', 'call',
]);
