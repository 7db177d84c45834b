import type {
  DistinguishedName,
  JWTSVIDAttributes,
  X509CAAttributes,
  X509Extension,
  X509SVIDAttributes,
} from './contract.js';
import { emptyDistinguishedName } from './contract.js';
import { bytes, structFromMsg, structToMsg } from '../wire-common.js';
import type * as msg from '../wire-messages.js';

function dnToMsg(d: DistinguishedName): msg.DistinguishedName {
  return { ...d, extraNames: d.extraNames.map((n) => ({ ...n })) };
}

function dnFromMsg(m: msg.DistinguishedName__Output | undefined | null): DistinguishedName {
  const e = emptyDistinguishedName();
  if (!m) return e;
  return {
    country: [...(m.country ?? [])],
    organization: [...(m.organization ?? [])],
    organizationalUnit: [...(m.organizationalUnit ?? [])],
    locality: [...(m.locality ?? [])],
    province: [...(m.province ?? [])],
    streetAddress: [...(m.streetAddress ?? [])],
    postalCode: [...(m.postalCode ?? [])],
    serialNumber: m.serialNumber ?? '',
    commonName: m.commonName ?? '',
    extraNames: (m.extraNames ?? []).map((n) => ({ oid: n.oid, stringValue: n.stringValue })),
  };
}

function extToMsg(x: X509Extension): msg.X509Extension {
  return { oid: x.oid, value: Buffer.from(x.value), critical: x.critical };
}

function extFromMsg(m: msg.X509Extension__Output): X509Extension {
  return { oid: m.oid, value: bytes(m.value), critical: Boolean(m.critical) };
}

/** X509CAAttributes for the wire. Never throws. */
export function caAttrsToMsg(a: X509CAAttributes): msg.X509CAAttributes {
  return { subject: dnToMsg(a.subject), policyIdentifiers: [...a.policyIdentifiers], extraExtensions: a.extraExtensions.map(extToMsg) };
}

/** X509CAAttributes from the wire; missing parts are empty. Never throws. */
export function caAttrsFromMsg(m: msg.X509CAAttributes__Output | undefined | null): X509CAAttributes {
  return {
    subject: dnFromMsg(m?.subject),
    policyIdentifiers: [...(m?.policyIdentifiers ?? [])],
    extraExtensions: (m?.extraExtensions ?? []).map(extFromMsg),
  };
}

/** X509SVIDAttributes for the wire. Never throws. */
export function svidAttrsToMsg(a: X509SVIDAttributes): msg.X509SVIDAttributes {
  return { subject: dnToMsg(a.subject), dnsSans: [...a.dnsSans], extraExtensions: a.extraExtensions.map(extToMsg) };
}

/** X509SVIDAttributes from the wire; missing parts are empty. Never throws. */
export function svidAttrsFromMsg(m: msg.X509SVIDAttributes__Output | undefined | null): X509SVIDAttributes {
  return {
    subject: dnFromMsg(m?.subject),
    dnsSans: [...(m?.dnsSans ?? [])],
    extraExtensions: (m?.extraExtensions ?? []).map(extFromMsg),
  };
}

/** JWTSVIDAttributes for the wire (claims as google.protobuf.Struct). Never throws. */
export function jwtAttrsToMsg(a: JWTSVIDAttributes): msg.JWTSVIDAttributes {
  return { claims: structToMsg(a.claims) };
}

/** JWTSVIDAttributes from the wire (claims back to a JSON object). Never throws. */
export function jwtAttrsFromMsg(m: msg.JWTSVIDAttributes__Output | undefined | null): JWTSVIDAttributes {
  return { claims: structFromMsg(m?.claims) };
}
