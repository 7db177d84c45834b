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
import { readSpki, signatureAlgorithmFor, subjectKeyId } from './spki.js';

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

/**
 * DER TBSCertificate of an X509-SVID per the SPIFFE X509-SVID standard: one URI SAN, CA=false,
 * critical keyUsage digitalSignature (plus keyEncipherment for RSA subject keys), EKU serverAuth
 * and clientAuth, DNS SANs, subject and authority key IDs.
 */
export function buildSvidTbs(spec: X509SvidSpec, spki: Uint8Array, issuer: IssuerSpec): Uint8Array {
  const info = readSpki(spki);
  if (info.algorithm === 'other') throw new Error('unsupported public key algorithm');
  const ku = info.algorithm === 'rsa' ? [KeyUsage.digitalSignature, KeyUsage.keyEncipherment] : [KeyUsage.digitalSignature];
  return encodeTbs({
    serial: spec.serial,
    signatureAlgorithm: signatureAlgorithmDer(issuer.keyType),
    issuer: issuer.subjectDer,
    notBefore: spec.notBefore,
    notAfter: spec.notAfter,
    subject: encodeName(spec.subject),
    spki,
    extensions: [
      keyUsageExt(ku),
      SVID_EKU_EXT,
      basicConstraintsExt(false),
      subjectKeyIdExt(subjectKeyId(spki)),
      authorityKeyIdExt(issuer.subjectKeyId),
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
