/**
 * JSON decoding with the error wording of Go's encoding/json, for the files SPIRE's CLI reads
 * (`-data`, `-file`): syntax errors and type mismatches read as the Go CLI prints them.
 */

import { goField } from '../../plugins/nodeattestor/go-json.js';

/** Parses JSON text; throws `invalid character ...` / `unexpected end of JSON input` as Go does. */
export function parseGoJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(goSyntaxError(text));
  }
}

class SyntaxProblem extends Error {}

function quoteChar(c: string): string {
  if (c === "'") return "'\\''";
  if (c === '"') return `'"'`;
  const q = JSON.stringify(c);
  return `'${q.slice(1, -1)}'`;
}

/** Finds the first syntax error in `text` and words it as Go's JSON scanner does. */
function goSyntaxError(text: string): string {
  let i = 0;
  const ws = () => {
    while (i < text.length && ' \t\r\n'.includes(text[i]!)) i++;
  };
  const fail = (context: string): never => {
    if (i >= text.length) throw new SyntaxProblem('unexpected end of JSON input');
    throw new SyntaxProblem(`invalid character ${quoteChar(text[i]!)} ${context}`);
  };
  const literal = (word: string) => {
    for (let k = 0; k < word.length; k++, i++) {
      if (text[i] !== word[k]) fail(`in literal ${word} (expecting ${quoteChar(word[k]!)})`);
    }
  };
  const string = () => {
    i++;
    for (;;) {
      if (i >= text.length) fail('');
      const c = text[i]!;
      if (c === '"') {
        i++;
        return;
      }
      if (c === '\\') {
        i++;
        if (i >= text.length) fail('');
        if (text[i] === 'u') {
          i++;
          for (let k = 0; k < 4; k++, i++) if (!/[0-9a-fA-F]/.test(text[i] ?? '')) fail('in \\u hexadecimal character escape');
          continue;
        }
        if (!'"\\/bfnrt'.includes(text[i]!)) fail('in string escape code');
        i++;
        continue;
      }
      if (c.charCodeAt(0) < 0x20) fail('in string literal');
      i++;
    }
  };
  const number = () => {
    if (text[i] === '-') i++;
    if (text[i] === '0') i++;
    else if (/[1-9]/.test(text[i] ?? '')) while (/[0-9]/.test(text[i] ?? '')) i++;
    else fail('in numeric literal');
    if (text[i] === '.') {
      i++;
      if (!/[0-9]/.test(text[i] ?? '')) fail('after decimal point in numeric literal');
      while (/[0-9]/.test(text[i] ?? '')) i++;
    }
    if (text[i] === 'e' || text[i] === 'E') {
      i++;
      if (text[i] === '+' || text[i] === '-') i++;
      if (!/[0-9]/.test(text[i] ?? '')) fail('in exponent of numeric literal');
      while (/[0-9]/.test(text[i] ?? '')) i++;
    }
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail('looking for beginning of object key string');
        string();
        ws();
        if (text[i] !== ':') fail('after object key');
        i++;
        value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return;
        }
        fail('after object key:value pair');
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return;
        }
        fail('after array element');
      }
    }
    if (c === '"') return string();
    if (c === 't') return literal('true');
    if (c === 'f') return literal('false');
    if (c === 'n') return literal('null');
    if (c === '-' || /[0-9]/.test(c ?? '')) return number();
    fail('looking for beginning of value');
  };
  try {
    value();
    ws();
    if (i < text.length) fail('after top-level value');
  } catch (err) {
    if (err instanceof SyntaxProblem) return err.message;
    throw err;
  }
  return 'unexpected end of JSON input';
}

/** The JSON kind name Go reports in unmarshal type errors. */
export function goJsonKind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'object') return 'object';
  if (typeof v === 'number') return `number`;
  return typeof v;
}

/** A typed reader for one JSON object that reports mismatches in Go's words. */
export class GoStructReader {
  constructor(
    private readonly obj: Record<string, unknown>,
    private readonly structName: string,
    private readonly path: string,
  ) {}

  private mismatch(key: string, v: unknown, goType: string): Error {
    const kind = typeof v === 'number' ? `number ${v}` : goJsonKind(v);
    return new Error(`json: cannot unmarshal ${kind} into Go struct field ${this.structName}.${this.path}${key} of type ${goType}`);
  }

  string(key: string): string {
    const v = goField(this.obj, key);
    if (v === undefined || v === null) return '';
    if (typeof v !== 'string') throw this.mismatch(key, v, 'string');
    return v;
  }

  bool(key: string): boolean {
    const v = goField(this.obj, key);
    if (v === undefined || v === null) return false;
    if (typeof v !== 'boolean') throw this.mismatch(key, v, 'bool');
    return v;
  }

  int(key: string, bits: 32 | 64): number {
    const v = goField(this.obj, key);
    if (v === undefined || v === null) return 0;
    const limit = bits === 32 ? 2 ** 31 : 2 ** 63;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < -limit || v >= limit) throw this.mismatch(key, v, `int${bits}`);
    return v;
  }

  strings(key: string): string[] {
    const v = goField(this.obj, key);
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) throw this.mismatch(key, v, '[]string');
    return v.map((x) => {
      if (x === null) return '';
      if (typeof x !== 'string') throw this.mismatch(key, x, 'string');
      return x;
    });
  }

  objects(key: string, goType: string): Array<Record<string, unknown> | null> {
    const v = goField(this.obj, key);
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) throw this.mismatch(key, v, goType);
    return v.map((x) => {
      if (x === null) return null;
      if (typeof x !== 'object' || Array.isArray(x)) throw this.mismatch(key, x, goType.replace(/^\[\]/, ''));
      return x as Record<string, unknown>;
    });
  }

  object(key: string, goType: string): Record<string, unknown> | null {
    const v = goField(this.obj, key);
    if (v === undefined || v === null) return null;
    if (typeof v !== 'object' || Array.isArray(v)) throw this.mismatch(key, v, goType);
    return v as Record<string, unknown>;
  }
}
