/**
 * Reading JSON the way Go's encoding/json reads SPIRE's wire structs (the x509pop and sshpop
 * payloads): field names match without regard to case, and `[]byte` fields are standard base64
 * with padding (or null). Shared here because plugin packages never import each other.
 */

/** A name folded as encoding/json folds keys: ASCII upper-cased, other runes upper(lower(r)). */
function foldName(name: string): string {
  let out = '';
  for (const ch of name) {
    if (ch.charCodeAt(0) < 0x80) {
      out += ch.toUpperCase();
      continue;
    }
    // Go maps rune to rune; a JS mapping that grows (ß -> SS) has no single-rune answer, and Go
    // leaves such a rune as it is.
    const lower = ch.toLowerCase();
    const folded = [...lower].length === 1 ? lower.toUpperCase() : ch;
    out += [...folded].length === 1 ? folded : lower;
  }
  return out;
}

/**
 * The value of struct field `name` after encoding/json decodes the object `obj`: every own key
 * equal to `name` under Go's case folding sets the field, in document order, so the last such key
 * wins. Undefined when `obj` is not a JSON object or has no such key. The one reader of Go-shaped
 * JSON fields, for the CLI as for the attestors.
 */
export function goField(obj: unknown, name: string): unknown {
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return undefined;
  const rec = obj as Record<string, unknown>;
  const want = foldName(name);
  let found: unknown;
  for (const k of Object.keys(rec)) if (foldName(k) === want) found = rec[k];
  return found;
}

/**
 * Decodes a Go `[]byte` JSON value. `null`/absent give an empty array, as Go leaves the slice nil.
 * Throws Error naming `what` when the value is not a base64 string.
 */
export function goBytes(v: unknown, what: string): Buffer {
  if (v === undefined || v === null) return Buffer.alloc(0);
  if (typeof v !== 'string' || v.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(v)) {
    throw new Error(`${what}: illegal base64 data`);
  }
  return Buffer.from(v, 'base64');
}

/** Parses a JSON document, throwing Error with the parser's message. */
export function parseJson(bytes: Uint8Array): unknown {
  return JSON.parse(Buffer.from(bytes).toString('utf8')) as unknown;
}
