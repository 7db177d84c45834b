import type { X509Extension } from '../../plugins/credentialcomposer/contract.js';
import { bitString, bool, implicitPrim, octets, oid, seq, smallInt, utf8Bytes } from '../../der.js';
import { OID } from './oids.js';

/** DER Extension. */
export function extension(id: string, critical: boolean, value: Uint8Array): Uint8Array {
  return critical ? seq(oid(id), bool(true), octets(value)) : seq(oid(id), octets(value));
}

/** Key usage bits, numbered as RFC 5280 4.2.1.3. */
export const KeyUsage = {
  digitalSignature: 0,
  contentCommitment: 1,
  keyEncipherment: 2,
  dataEncipherment: 3,
  keyAgreement: 4,
  keyCertSign: 5,
  cRLSign: 6,
} as const;

/** Critical keyUsage extension with the given bits, encoded as a minimal named BIT STRING. */
export function keyUsageExt(bits: number[]): Uint8Array {
  const max = Math.max(...bits);
  const bytes = new Uint8Array(Math.floor(max / 8) + 1);
  for (const b of bits) bytes[b >> 3]! |= 0x80 >> (b & 7);
  const unused = 7 - (max & 7);
  const value = new Uint8Array(bytes.length + 1);
  value[0] = unused;
  value.set(bytes, 1);
  return extension(OID.keyUsage, true, Uint8Array.of(0x03, value.length, ...value));
}

/** Critical basicConstraints; `pathLen` only for CAs. */
export function basicConstraintsExt(isCA: boolean, pathLen?: number): Uint8Array {
  const parts: Uint8Array[] = [];
  if (isCA) parts.push(bool(true));
  if (isCA && pathLen !== undefined) parts.push(smallInt(pathLen));
  return extension(OID.basicConstraints, true, seq(...parts));
}

/** extKeyUsage serverAuth + clientAuth, as X509-SVIDs carry. */
export const SVID_EKU_EXT: Uint8Array = extension(OID.extKeyUsage, false, seq(oid(OID.serverAuth), oid(OID.clientAuth)));

/** subjectAltName with URIs then DNS names; critical when the subject name is empty (RFC 5280). */
export function subjectAltNameExt(uris: string[], dnsNames: string[], critical: boolean): Uint8Array {
  const names: Uint8Array[] = [];
  for (const u of uris) names.push(implicitPrim(6, utf8Bytes(u)));
  for (const d of dnsNames) names.push(implicitPrim(2, utf8Bytes(d)));
  return extension(OID.subjectAltName, critical, seq(...names));
}

export function subjectKeyIdExt(ski: Uint8Array): Uint8Array {
  return extension(OID.subjectKeyIdentifier, false, octets(ski));
}

export function authorityKeyIdExt(aki: Uint8Array): Uint8Array {
  return extension(OID.authorityKeyIdentifier, false, seq(implicitPrim(0, aki)));
}

export function policiesExt(policyOids: string[]): Uint8Array {
  return extension(OID.certificatePolicies, false, seq(...policyOids.map((p) => seq(oid(p)))));
}

/** Extra extensions from CredentialComposers, taken as they come. */
export function extraExts(exts: readonly X509Extension[]): Uint8Array[] {
  return exts.map((e) => extension(e.oid, e.critical, e.value));
}

/** The extra bit string helper is re-exported for CSR attributes. */
export { bitString };
