/**
 * Reading JSON the way Go's encoding/json reads SPIRE's wire structs (the x509pop and sshpop
 * payloads): field names match without regard to case, and `[]byte` fields are standard base64
 * with padding (or null). Shared here because plugin packages never import each other.
 */

/** The value of `name` in a JSON object, matched as Go matches: exact first, then case-insensitive. */
export function goField(obj: unknown, name: string): unknown {
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return undefined;
  const rec = obj as Record<string, unknown>;
  if (Object.hasOwn(rec, name)) return rec[name];
  const lower = name.toLowerCase();
  const key = Object.keys(rec).find((k) => k.toLowerCase() === lower);
  return key === undefined ? undefined : rec[key];
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
