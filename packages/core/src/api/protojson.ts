import protobuf from 'protobufjs';
import { Code, SpireError } from '../errors.js';
import { API_LOADER_OPTIONS } from './proto.js';
import { apiMessageType } from './sliced-encoding.js';

/**
 * API messages as protojson, both ways. Out (toProtoJson): as SPIRE's `cliprinter` writes them,
 * Go protojson with proto field names and every field emitted (int64 as strings, enums by name,
 * bytes as base64, empty lists as []), absent messages dropped, keys sorted; the CLI's
 * `-output json` then re-encodes that as encoding/json does (cli/protojson.ts) and the web
 * console sends it as it is. In (fromProtoJson): a request in protojson, as the console's page
 * sends it, into the object form handlers take.
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


function bad(path: string, what: string): SpireError {
  return new SpireError(Code.INVALID_ARGUMENT, `invalid value for ${path}: ${what}`);
}

const INT_RE = /^-?\d+$/;

/** One protojson scalar into the form protobufjs's fromObject takes; throws INVALID_ARGUMENT naming the field. */
function scalarIn(type: string, v: unknown, path: string): unknown {
  if (INT64.has(type) || ['int32', 'uint32', 'sint32', 'fixed32', 'sfixed32'].includes(type)) {
    if (typeof v === 'number' && Number.isInteger(v)) return v;
    if (typeof v === 'string' && INT_RE.test(v)) return INT64.has(type) ? v : Number(v);
    throw bad(path, `expected an integer, got ${JSON.stringify(v)}`);
  }
  if (type === 'double' || type === 'float') {
    if (typeof v === 'number') return v;
    if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) return Number(v);
    throw bad(path, `expected a number, got ${JSON.stringify(v)}`);
  }
  if (type === 'bool') {
    if (typeof v === 'boolean') return v;
    throw bad(path, `expected true or false, got ${JSON.stringify(v)}`);
  }
  if (type === 'string') {
    if (typeof v === 'string') return v;
    throw bad(path, `expected a string, got ${JSON.stringify(v)}`);
  }
  if (type === 'bytes') {
    if (typeof v === 'string' && /^[A-Za-z0-9+/_-]*={0,2}$/.test(v)) return Buffer.from(v, 'base64');
    throw bad(path, 'expected base64 text');
  }
  throw bad(path, `unsupported field type ${type}`);
}

function valueIn(field: protobuf.Field, v: unknown, path: string): unknown {
  const rt = field.resolvedType;
  if (rt instanceof protobuf.Enum) {
    if (typeof v === 'string' && v in rt.values) return v;
    if (typeof v === 'number' && Number.isInteger(v)) return rt.valuesById[v] ?? v;
    throw bad(path, `unknown ${rt.name} value ${JSON.stringify(v)}`);
  }
  if (rt instanceof protobuf.Type) {
    if (WRAPPERS.has(rt.fullName.replace(/^\./, ''))) return { value: valueIn(rt.fields.value!, v, path) };
    return messageIn(rt, v, path);
  }
  return scalarIn(field.type, v, path);
}

function messageIn(type: protobuf.Type, obj: unknown, path: string): Record<string, unknown> {
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) throw bad(path || type.name, 'expected an object');
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(obj as Record<string, unknown>)) {
    // protojson accepts the proto name and the lowerCamelCase JSON name.
    const field = type.fields[key] ?? type.fieldsArray.find((f) => f.resolve() && f.name.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase()) === key);
    const at = path ? `${path}.${key}` : key;
    if (!field) throw new SpireError(Code.INVALID_ARGUMENT, `unknown field ${JSON.stringify(at)} in ${type.fullName.replace(/^\./, '')}`);
    field.resolve();
    if (v === null) continue;
    if (field.map) {
      if (typeof v !== 'object' || Array.isArray(v)) throw bad(at, 'expected an object');
      out[field.name] = Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, mv]) => [k, valueIn(field, mv, `${at}.${k}`)]));
    } else if (field.repeated) {
      if (!Array.isArray(v)) throw bad(at, 'expected a list');
      out[field.name] = v.map((x, i) => valueIn(field, x, `${at}[${i}]`));
    } else {
      out[field.name] = valueIn(field, v, at);
    }
  }
  return out;
}

/**
 * A request in protojson (proto or JSON field names, int64 as a number or a decimal string, bytes
 * as base64, enums by name, wrapper types as their bare value) in the object form the handlers
 * take: exactly what proto-loader hands a gRPC handler for the same message (defaults filled,
 * int64 as numbers, bytes as Buffers; the api set's options of proto/sets.json). Throws
 * INVALID_ARGUMENT naming the field for an unknown field or a value of the wrong kind.
 */
export function fromProtoJson(typeName: string, json: unknown): Record<string, unknown> {
  return loaderForm(typeName, messageIn(apiMessageType(typeName), json ?? {}, ''));
}

/**
 * A message given in part (absent fields left out; wrappers as `{ value }`, bytes as Buffers) in
 * the complete object form proto-loader hands handlers (defaults filled, with the api set's
 * options). Also reads a decoded protobufjs message. Throws what protobufjs throws for a value
 * that does not fit its field.
 */
export function loaderForm(typeName: string, msg: object): Record<string, unknown> {
  const type = apiMessageType(typeName);
  const m = msg instanceof protobuf.Message ? msg : type.fromObject(msg as Record<string, unknown>);
  return type.toObject(m, API_LOADER_OPTIONS as protobuf.IConversionOptions);
}
