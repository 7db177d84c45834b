import { X509Certificate } from 'node:crypto';
import { bitString, children, decodeOid, explicit, nul, oid, readTlv, seq, smallInt, time, uint } from '../../der.js';
import { OID } from './oids.js';
import { subjectKeyId } from './spki.js';

/** The fields of a TBSCertificate, each already DER where it is a structure. */
export interface TbsFields {
  /** Serial number magnitude, big-endian. */
  serial: Uint8Array;
  /** DER AlgorithmIdentifier of the issuer's signature. */
  signatureAlgorithm: Uint8Array;
  /** DER Name. */
  issuer: Uint8Array;
  /** Unix milliseconds. */
  notBefore: number;
  notAfter: number;
  /** DER Name. */
  subject: Uint8Array;
  /** DER SubjectPublicKeyInfo. */
  spki: Uint8Array;
  /** DER Extension each. */
  extensions: Uint8Array[];
}

/** DER AlgorithmIdentifier for a signature algorithm OID. */
export function algorithmIdentifier(algOid: string, withNullParams: boolean): Uint8Array {
  return withNullParams ? seq(oid(algOid), nul()) : seq(oid(algOid));
}

/** DER TBSCertificate (v3). */
export function encodeTbs(f: TbsFields): Uint8Array {
  return seq(
    explicit(0, smallInt(2)),
    uint(f.serial),
    f.signatureAlgorithm,
    f.issuer,
    seq(time(new Date(f.notBefore)), time(new Date(f.notAfter))),
    f.subject,
    f.spki,
    explicit(3, seq(...f.extensions)),
  );
}

/**
 * An instant as a certificate carries it: `encodeTbs` writes UTCTime/GeneralizedTime to the
 * second, so the fraction is dropped. Unix milliseconds in and out.
 */
export function certificateTime(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}

/** DER Certificate from a TBSCertificate, its algorithm and the signature. */
export function assembleCertificate(tbs: Uint8Array, signatureAlgorithm: Uint8Array, signature: Uint8Array): Uint8Array {
  return seq(tbs, signatureAlgorithm, bitString(signature));
}

/**
 * A random serial number in [1, 2^128], as SPIRE's x509util.NewSerialNumber: 16 random bytes
 * plus one (here: re-drawn when all zero, which keeps the same range).
 */
export function randomSerial(random: (n: number) => Uint8Array): Uint8Array {
  for (;;) {
    const b = random(16);
    if (b.some((x) => x !== 0)) return b;
  }
}

/**
 * A `random` for `randomSerial` that serves `count` serials' worth of bytes from one draw (and
 * draws again when they run out). Each result is a copy of its own, so it can cross to a worker
 * without the rest of the draw.
 */
export function batchedRandom(count: number, random: (n: number) => Uint8Array): (n: number) => Uint8Array {
  const chunk = 16 * Math.max(1, count);
  let pool = random(chunk);
  let off = 0;
  return (n) => {
    if (off + n > pool.length) {
      pool = random(Math.max(n, chunk));
      off = 0;
    }
    const out = Uint8Array.prototype.slice.call(pool, off, off + n);
    off += n;
    return out;
  };
}

/** What the CA needs from a certificate it issues under or trusts. */
export interface CertInfo {
  der: Uint8Array;
  /** The subject Name, byte for byte, to use as the issuer of certificates it signs. */
  subjectDer: Uint8Array;
  issuerDer: Uint8Array;
  spki: Uint8Array;
  /** The subjectKeyIdentifier extension's value, or SHA-1 of the key when absent. */
  subjectKeyId: Uint8Array;
  /** The authorityKeyIdentifier's keyIdentifier, when present. */
  authorityKeyId?: Uint8Array;
  notBefore: number;
  notAfter: number;
  isCA: boolean;
}

/** Reads a DER certificate. Throws an Error on malformed input. */
export function readCertificate(der: Uint8Array): CertInfo {
  const outer = readTlv(der);
  if (outer.tag !== 0x30) throw new Error('malformed certificate');
  const tbs = children(outer.content)[0];
  if (!tbs) throw new Error('malformed certificate');
  const f = children(tbs.content);
  const off = f[0]?.tag === 0xa0 ? 1 : 0;
  const issuer = f[off + 2];
  const subject = f[off + 4];
  const spki = f[off + 5];
  if (!issuer || !subject || !spki) throw new Error('malformed certificate');
  let ski: Uint8Array | undefined;
  let aki: Uint8Array | undefined;
  const extsField = f.find((t) => t.tag === 0xa3);
  if (extsField) {
    const list = children(extsField.content)[0];
    for (const ext of list ? children(list.content) : []) {
      const parts = children(ext.content);
      const id = decodeOid(parts[0]!.content);
      const value = parts[parts.length - 1]!.content;
      if (id === OID.subjectKeyIdentifier) ski = readTlv(value).content;
      if (id === OID.authorityKeyIdentifier) {
        const k = children(readTlv(value).content).find((t) => t.tag === 0x80);
        if (k) aki = k.content;
      }
    }
  }
  const x = new X509Certificate(Buffer.from(der));
  return {
    der,
    subjectDer: subject.raw,
    issuerDer: issuer.raw,
    spki: spki.raw,
    subjectKeyId: ski ?? subjectKeyId(spki.raw),
    ...(aki ? { authorityKeyId: aki } : {}),
    notBefore: Date.parse(x.validFrom),
    notAfter: Date.parse(x.validTo),
    isCA: x.ca,
  };
}

/** PEM of DER certificates. */
export function toPem(ders: readonly Uint8Array[], label = 'CERTIFICATE'): string {
  return ders
    .map((d) => {
      const b64 = Buffer.from(d).toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '');
      return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
    })
    .join('');
}

/** DER blocks of a PEM text with the given label. */
export function fromPem(pem: string, label = 'CERTIFICATE'): Uint8Array[] {
  const re = new RegExp(`-----BEGIN ${label}-----([\\s\\S]*?)-----END ${label}-----`, 'g');
  const out: Uint8Array[] = [];
  for (const m of pem.matchAll(re)) out.push(new Uint8Array(Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64')));
  return out;
}

/** Lowercase hex, as SPIRE prints authority IDs (x509util.SubjectKeyIDToString). */
export function hex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}
