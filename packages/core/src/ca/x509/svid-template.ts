import type { DistinguishedName, X509Extension } from '../../plugins/credentialcomposer/contract.js';
import type { KeyType } from '../../plugins/keymanager/contract.js';
import { algorithmIdentifier, encodeTbs } from './certificate.js';
import {
  authorityKeyIdExt,
  basicConstraintsExt,
  extraExts,
  KeyUsage,
  keyUsageExt,
  policiesExt,
  subjectAltNameExt,
  subjectKeyIdExt,
  SVID_EKU_EXT,
} from './extensions.js';
import { encodeName, isEmptyName } from './name.js';
import { createHash } from 'node:crypto';
import { readSpki, signatureAlgorithmFor, subjectKeyId, type SpkiInfo } from './spki.js';

/**
 * One X509-SVID to mint, as plain data (it crosses to a signing worker). Exactly one of `spki`
 * and `csr`: with `csr` the worker verifies the CSR's signature and takes its public key.
 */
export interface X509SvidSpec {
  spiffeId: string;
  dnsNames: string[];
  subject: DistinguishedName;
  extraExtensions: X509Extension[];
  /** Unix milliseconds. */
  notBefore: number;
  notAfter: number;
  /** Serial number magnitude. */
  serial: Uint8Array;
  spki?: Uint8Array;
  csr?: Uint8Array;
}

/** The issuing CA, as the template needs it. */
export interface IssuerSpec {
  /** The CA certificate's subject Name DER, byte for byte. */
  subjectDer: Uint8Array;
  /** The CA certificate's subject key ID (the leaves' authority key ID). */
  subjectKeyId: Uint8Array;
  /** The CA's signing key type, which picks the signature algorithm. */
  keyType: KeyType;
}

/** The DER AlgorithmIdentifier a CA with this key type signs with. */
export function signatureAlgorithmDer(keyType: KeyType): Uint8Array {
  const a = signatureAlgorithmFor(keyType);
  return algorithmIdentifier(a.oid, a.withNullParams);
}

interface IssuerParts {
  sigAlg: Uint8Array;
  kuEc: Uint8Array;
  kuRsa: Uint8Array;
  bc: Uint8Array;
  aki: Uint8Array;
}

// Encodings that depend only on the issuer, built once per issuer (per worker).
const issuerCache = new Map<string, IssuerParts>();
const nameCache = new Map<string, Uint8Array>();

// The items of one task share one issuer object: those skip the key string.
const issuerByObject = new WeakMap<IssuerSpec, IssuerParts>();

function issuerParts(issuer: IssuerSpec): IssuerParts {
  const known = issuerByObject.get(issuer);
  if (known) return known;
  const key = `${issuer.keyType}:${Buffer.from(issuer.subjectKeyId).toString('hex')}:${Buffer.from(issuer.subjectDer).toString('hex')}`;
  let p = issuerCache.get(key);
  if (!p) {
    p = {
      sigAlg: signatureAlgorithmDer(issuer.keyType),
      kuEc: keyUsageExt([KeyUsage.digitalSignature]),
      kuRsa: keyUsageExt([KeyUsage.digitalSignature, KeyUsage.keyEncipherment]),
      bc: basicConstraintsExt(false),
      aki: authorityKeyIdExt(issuer.subjectKeyId),
    };
    if (issuerCache.size > 32) issuerCache.clear();
    issuerCache.set(key, p);
  }
  issuerByObject.set(issuer, p);
  return p;
}

// Items of one task that share a subject share one object (the CA dedupes them, and so does the
// worker message): those skip the key string too.
const nameByObject = new WeakMap<DistinguishedName, Uint8Array>();

function cachedName(dn: DistinguishedName): Uint8Array {
  let n = nameByObject.get(dn);
  if (n) return n;
  const key = JSON.stringify(dn);
  n = nameCache.get(key);
  if (!n) {
    n = encodeName(dn);
    if (nameCache.size > 1024) nameCache.clear();
    nameCache.set(key, n);
  }
  nameByObject.set(dn, n);
  return n;
}

/**
 * DER TBSCertificate of an X509-SVID per the SPIFFE X509-SVID standard: one URI SAN, CA=false,
 * critical keyUsage digitalSignature (plus keyEncipherment for RSA subject keys), EKU serverAuth
 * and clientAuth, DNS SANs, subject and authority key IDs. `info` is `readSpki(spki)` when the
 * caller already has it. Throws for a public key that is neither EC nor RSA.
 */
export function buildSvidTbs(spec: X509SvidSpec, spki: Uint8Array, issuer: IssuerSpec, info: SpkiInfo = readSpki(spki)): Uint8Array {
  if (info.algorithm === 'other') throw new Error('unsupported public key algorithm');
  const p = issuerParts(issuer);
  const ski = new Uint8Array(createHash('sha1').update(info.keyBits).digest());
  return encodeTbs({
    serial: spec.serial,
    signatureAlgorithm: p.sigAlg,
    issuer: issuer.subjectDer,
    notBefore: spec.notBefore,
    notAfter: spec.notAfter,
    subject: cachedName(spec.subject),
    spki,
    extensions: [
      info.algorithm === 'rsa' ? p.kuRsa : p.kuEc,
      SVID_EKU_EXT,
      p.bc,
      subjectKeyIdExt(ski),
      p.aki,
      subjectAltNameExt([spec.spiffeId], spec.dnsNames, isEmptyName(spec.subject)),
      ...extraExts(spec.extraExtensions),
    ],
  });
}

/** An X.509 CA certificate to build. */
export interface CaSpec {
  /** The trust domain's SPIFFE ID, `spiffe://example.org`: the CA's one URI SAN. */
  trustDomainId: string;
  subject: DistinguishedName;
  policies: string[];
  extraExtensions: X509Extension[];
  notBefore: number;
  notAfter: number;
  serial: Uint8Array;
  spki: Uint8Array;
}

/**
 * DER TBSCertificate of a CA: basicConstraints CA=true (critical, no path length, as SPIRE),
 * keyUsage keyCertSign and cRLSign (critical), the trust domain URI SAN, subject key ID and, for
 * a CA signed by another, its authority key ID. Self-signed when `issuer` is omitted.
 */
export function buildCaTbs(spec: CaSpec, signerKeyType: KeyType, issuer?: IssuerSpec): Uint8Array {
  const subject = encodeName(spec.subject);
  const ski = subjectKeyId(spec.spki);
  const exts = [
    keyUsageExt([KeyUsage.keyCertSign, KeyUsage.cRLSign]),
    basicConstraintsExt(true),
    subjectKeyIdExt(ski),
    ...(issuer ? [authorityKeyIdExt(issuer.subjectKeyId)] : []),
    subjectAltNameExt([spec.trustDomainId], [], isEmptyName(spec.subject)),
    ...(spec.policies.length > 0 ? [policiesExt(spec.policies)] : []),
    ...extraExts(spec.extraExtensions),
  ];
  return encodeTbs({
    serial: spec.serial,
    signatureAlgorithm: signatureAlgorithmDer(signerKeyType),
    issuer: issuer ? issuer.subjectDer : subject,
    notBefore: spec.notBefore,
    notAfter: spec.notAfter,
    subject,
    spki: spec.spki,
    extensions: exts,
  });
}
