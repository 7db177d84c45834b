import type { JWTKey, PluginBundle, X509Certificate } from './types.js';
import type * as msg from './wire-messages.js';

/** Copies bytes out of a Buffer view into a plain Uint8Array the caller owns. */
export function bytes(b: Uint8Array | undefined | null): Uint8Array {
  return b ? new Uint8Array(b) : new Uint8Array(0);
}

/** A certificate as spire.plugin.types.X509Certificate. Never throws. */
export function x509ToMsg(c: X509Certificate): msg.X509Certificate {
  return { asn1: Buffer.from(c.asn1), tainted: c.tainted };
}

/** A certificate from the wire; a missing message gives empty bytes. Never throws. */
export function x509FromMsg(m: msg.X509Certificate__Output | undefined): X509Certificate {
  return { asn1: bytes(m?.asn1), tainted: Boolean(m?.tainted) };
}

/** A JWT key as spire.plugin.types.JWTKey. Never throws. */
export function jwtKeyToMsg(k: JWTKey): msg.JWTKey {
  return { publicKey: Buffer.from(k.publicKey), keyId: k.keyId, expiresAt: k.expiresAt, tainted: k.tainted };
}

/** A JWT key from the wire; missing fields take their zero values. Never throws. */
export function jwtKeyFromMsg(m: msg.JWTKey__Output | undefined): JWTKey {
  return {
    publicKey: bytes(m?.publicKey),
    keyId: m?.keyId ?? '',
    expiresAt: Number(m?.expiresAt ?? 0),
    tainted: Boolean(m?.tainted),
  };
}

/** A bundle as spire.plugin.types.Bundle (no WIT authorities: the contract has none). Never throws. */
export function bundleToMsg(b: PluginBundle): msg.Bundle {
  return {
    trustDomain: b.trustDomain,
    x509Authorities: b.x509Authorities.map(x509ToMsg),
    jwtAuthorities: b.jwtAuthorities.map(jwtKeyToMsg),
    refreshHint: b.refreshHint,
    sequenceNumber: b.sequenceNumber,
  };
}

/** A bundle from the wire; WIT authorities are dropped (the contract has none). Never throws. */
export function bundleFromMsg(m: msg.Bundle__Output | undefined | null): PluginBundle {
  return {
    trustDomain: m?.trustDomain ?? '',
    x509Authorities: (m?.x509Authorities ?? []).map(x509FromMsg),
    jwtAuthorities: (m?.jwtAuthorities ?? []).map(jwtKeyFromMsg),
    refreshHint: Number(m?.refreshHint ?? 0),
    sequenceNumber: Number(m?.sequenceNumber ?? 0),
  };
}

function valueToMsg(v: unknown): msg.Value {
  if (v === null || v === undefined) return { nullValue: 'NULL_VALUE' };
  if (typeof v === 'number') return { numberValue: v };
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  if (Array.isArray(v)) return { listValue: { values: v.map(valueToMsg) } };
  if (typeof v === 'object') return { structValue: structToMsg(v as Record<string, unknown>) };
  return { stringValue: String(v) };
}

function valueFromMsg(m: msg.Value__Output): unknown {
  switch (m.kind) {
    case 'numberValue':
      return m.numberValue;
    case 'stringValue':
      return m.stringValue;
    case 'boolValue':
      return m.boolValue;
    case 'structValue':
      return structFromMsg(m.structValue);
    case 'listValue':
      return (m.listValue?.values ?? []).map(valueFromMsg);
    default:
      return null;
  }
}

/** A JSON object as google.protobuf.Struct. */
export function structToMsg(o: Record<string, unknown>): msg.Struct {
  const fields: Record<string, msg.Value> = {};
  for (const [k, v] of Object.entries(o)) fields[k] = valueToMsg(v);
  return { fields };
}

/** google.protobuf.Struct as a JSON object. */
export function structFromMsg(m: msg.Struct__Output | undefined | null): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(m?.fields ?? {})) out[k] = valueFromMsg(v);
  return out;
}
