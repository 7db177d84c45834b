/**
 * JSON decoding with the error wording of Go's encoding/json, for the files SPIRE's CLI reads
 * (`-data`, `-file`): syntax errors and type mismatches read as the Go CLI prints them.
 */

/** Parses JSON text; throws `invalid character ...` / `unexpected end of JSON input` as Go does. */
export function parseGoJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new Error(goSyntaxError(text, (err as Error).message));
  }
}

function goSyntaxError(text: string, nodeMessage: string): string {
  if (text.trim() === '' || /end of JSON input|Unterminated/i.test(nodeMessage)) return 'unexpected end of JSON input';
  const m = /position (\d+)/.exec(nodeMessage);
  const pos = m ? Number(m[1]) : -1;
  const ch = pos >= 0 && pos < text.length ? text[pos]! : '';
  if (ch === '') return 'unexpected end of JSON input';
  const shown = ch === "'" ? "'\\''" : `'${ch}'`;
  const before = text.slice(0, pos).trimEnd();
  const last = before[before.length - 1];
  if (last === undefined) return `invalid character ${shown} looking for beginning of value`;
  if (last === '{' || last === ',') return `invalid character ${shown} looking for beginning of object key string`;
  if (last === ':' || last === '[') return `invalid character ${shown} looking for beginning of value`;
  if (/["\]}\d]|[el]/.test(last)) return `invalid character ${shown} after object key:value pair`;
  return `invalid character ${shown} looking for beginning of value`;
}

/** The JSON kind name Go reports in unmarshal type errors. */
export function goJsonKind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'object') return 'object';
  if (typeof v === 'number') return `number`;
  return typeof v;
}

/** Looks a key up as encoding/json does: exact match first, then case-insensitive. */
export function goField(obj: Record<string, unknown>, name: string): unknown {
  if (name in obj) return obj[name];
  const lower = name.toLowerCase();
  for (const k of Object.keys(obj)) if (k.toLowerCase() === lower) return obj[k];
  return undefined;
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
