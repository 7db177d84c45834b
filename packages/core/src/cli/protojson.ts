import protobuf from 'protobufjs';
import { apiMessageType } from '../api/sliced-encoding.js';
import { goJson } from './go-format.js';

/**
 * JSON output as SPIRE's `cliprinter` writes it: Go protojson with proto field names and every
 * field emitted (int64 as strings, enums by name, bytes as base64, empty lists as []), absent
 * messages dropped, then re-encoded by encoding/json, which sorts object keys and escapes <, >
 * and & as \u003c, \u003e, \u0026. One message prints as an object, several as an array.
 */

const INT64 = new Set(['int64', 'uint64', 'sint64', 'fixed64', 'sfixed64']);
const WRAPPERS = new Set([
  'google.protobuf.StringValue',
  'google.protobuf.BoolValue',
  'google.protobuf.Int32Value',
  'google.protobuf.UInt32Value',
  'google.protobuf.Int64Value',
  'google.protobuf.UInt64Value',
  'google.protobuf.BytesValue',
  'google.protobuf.DoubleValue',
  'google.protobuf.FloatValue',
]);

function scalar(type: string, v: unknown): unknown {
  if (INT64.has(type)) return String(v ?? 0);
  if (type === 'bytes') return v == null ? '' : Buffer.from(v as Uint8Array).toString('base64');
  if (type === 'bool') return Boolean(v);
  if (type === 'string') return v == null ? '' : String(v);
  return v == null ? 0 : Number(v);
}

function value(field: protobuf.Field, v: unknown): unknown {
  const rt = field.resolvedType;
  if (rt instanceof protobuf.Enum) {
    if (v == null) return rt.valuesById[0] ?? 0;
    if (typeof v === 'number') return rt.valuesById[v] ?? v;
    return v;
  }
  if (rt instanceof protobuf.Type) {
    if (v == null) return undefined;
    const full = rt.fullName.replace(/^\./, '');
    if (WRAPPERS.has(full)) {
      const inner = rt.fields.value!;
      return value(inner, (v as Record<string, unknown>).value);
    }
    return message(rt, v as Record<string, unknown>);
  }
  return scalar(field.type, v);
}

function message(type: protobuf.Type, obj: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of type.fieldsArray) {
    const v = obj[field.name];
    if (field.partOf) {
      const chosen = obj[field.partOf.name];
      if (typeof chosen === 'string' ? chosen !== field.name : v == null) continue;
    }
    if (field.map) {
      const m: Record<string, unknown> = {};
      for (const [k, mv] of Object.entries((v as Record<string, unknown>) ?? {})) m[k] = value(field, mv);
      out[field.name] = m;
    } else if (field.repeated) {
      out[field.name] = ((v as unknown[]) ?? []).map((x) => value(field, x)).filter((x) => x !== undefined);
    } else {
      const x = value(field, v);
      if (x !== undefined) out[field.name] = x;
    }
  }
  return out;
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) out[k] = sortKeys((v as Record<string, unknown>)[k]);
    return out;
  }
  return v;
}

/** A message (as the API client decodes it) in protojson form, keys sorted. `typeName` is the full proto name. */
export function toProtoJson(typeName: string, msg: object): unknown {
  return sortKeys(message(apiMessageType(typeName), msg as Record<string, unknown>));
}

/** The JSON text `-output json` prints for these messages (none: empty string). */
export function protoJsonText(msgs: ReadonlyArray<{ type: string; msg: object }>): string {
  if (msgs.length === 0) return '';
  const docs = msgs.map((m) => toProtoJson(m.type, m.msg));
  return goJson(docs.length === 1 ? docs[0] : docs);
}
