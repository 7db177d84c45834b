import { createHash, X509Certificate as NodeCert, type KeyObject } from 'node:crypto';
import { parseNameConstraints, type NameConstraintSet } from './name-constraints.js';
import {
  BasicConstraintsExtension,
  KeyUsageFlags,
  KeyUsagesExtension,
  SubjectAlternativeNameExtension,
  X509Certificate,
  type Name,
} from './x509-lib.js';

/** The parts of a distinguished name Go's pkix.Name exposes to templates. */
export interface GoName {
  CommonName: string;
  SerialNumber: string;
  Country: string[];
  Organization: string[];
  OrganizationalUnit: string[];
  Locality: string[];
  Province: string[];
  StreetAddress: string[];
  PostalCode: string[];
}

/** A parsed certificate: the DER, a node:crypto view (signatures) and the fields chain verification and attestation need. */
export interface Cert {
  der: Buffer;
  node: NodeCert;
  publicKey: KeyObject;
  /** 'rsa', 'ec', or another node key type. */
  keyType: string;
  rsaBits: number | undefined;
  subject: GoName;
  issuer: GoName;
  serial: bigint;
  notBefore: Date;
  notAfter: Date;
  isCa: boolean;
  /** True when the certificate carries a basicConstraints extension. */
  basicConstraints: boolean;
  /** undefined when there is no limit. */
  maxPathLen: number | undefined;
  /** The nameConstraints extension of a CA, when it has one. */
  nameConstraints: NameConstraintSet | undefined;
  /** True when the certificate carries a subjectAltName extension (only those are checked against name constraints). */
  hasSan: boolean;
  /** KeyUsage bits in Go's order (digitalSignature = 1, keyCertSign = 32); 0 when absent. */
  keyUsage: number;
  version: number;
  /** OIDs of critical extensions Go's crypto/x509 does not handle (such a certificate never verifies). */
  unhandledCritical: string[];
  /** The hash of the certificate's own signature algorithm, e.g. 'SHA-256'; '' when unknown. */
  sigHash: string;
  uris: string[];
  dnsNames: string[];
  emails: string[];
  ips: string[];
}

// Key usage, SAN, basic constraints, name constraints, certificate policies, policy constraints,
// extended key usage, inhibit anyPolicy, and the key identifiers.
const handledExtensions = new Set([
  '2.5.29.15', '2.5.29.17', '2.5.29.19', '2.5.29.30', '2.5.29.32', '2.5.29.36', '2.5.29.37', '2.5.29.54', '2.5.29.35', '2.5.29.14',
]);

function goName(n: Name): GoName {
  const all = (f: string) => {
    try {
      return n.getField(f);
    } catch {
      return [];
    }
  };
  return {
    CommonName: all('CN')[0] ?? '',
    SerialNumber: all('2.5.4.5')[0] ?? '',
    Country: all('C'),
    Organization: all('O'),
    OrganizationalUnit: all('OU'),
    Locality: all('L'),
    Province: all('ST'),
    StreetAddress: all('STREET'),
    PostalCode: all('2.5.4.17'),
  };
}

/** Parses one DER certificate. Throws Error with the parser's message when it is not one. */
export function parseCert(der: Uint8Array): Cert {
  const buf = Buffer.from(der);
  const node = new NodeCert(buf);
  const px = new X509Certificate(buf);
  // node:crypto accepts trailing bytes after the certificate; Go's x509.ParseCertificate does not.
  if (!node.raw.equals(buf)) throw new Error('x509: trailing data');
  const publicKey = node.publicKey;
  const bc = px.getExtension(BasicConstraintsExtension);
  const ku = px.getExtension(KeyUsagesExtension);
  const names = { uris: [] as string[], dnsNames: [] as string[], emails: [] as string[], ips: [] as string[] };
  const san = px.getExtension(SubjectAlternativeNameExtension);
  if (san) {
    for (const g of san.names.items) {
      if (g.type === 'url') names.uris.push(g.value);
      else if (g.type === 'dns') names.dnsNames.push(g.value);
      else if (g.type === 'email') names.emails.push(g.value);
      else if (g.type === 'ip') names.ips.push(g.value);
    }
  }
  const nc = px.extensions.find((e) => e.type === '2.5.29.30');
  return {
    nameConstraints: nc ? parseNameConstraints(nc.value) : undefined,
    hasSan: san !== null && san !== undefined,
    der: buf,
    node,
    publicKey,
    keyType: publicKey.asymmetricKeyType ?? 'unknown',
    rsaBits: publicKey.asymmetricKeyType === 'rsa' ? publicKey.asymmetricKeyDetails?.modulusLength : undefined,
    subject: goName(px.subjectName),
    issuer: goName(px.issuerName),
    serial: BigInt(`0x${px.serialNumber || '0'}`),
    notBefore: px.notBefore,
    notAfter: px.notAfter,
    isCa: bc?.ca ?? false,
    basicConstraints: bc !== null && bc !== undefined,
    maxPathLen: bc?.pathLength,
    keyUsage: ku ? ku.usages : 0,
    version: certVersion(buf),
    sigHash: signatureHash(px),
    unhandledCritical: px.extensions.filter((e) => e.critical && !handledExtensions.has(e.type)).map((e) => e.type),
    ...names,
  };
}

// The version is the optional [0] EXPLICIT INTEGER at the start of the TBSCertificate.
function certVersion(der: Buffer): number {
  const skipHeader = (i: number) => (der[i + 1]! & 0x80 ? i + 2 + (der[i + 1]! & 0x7f) : i + 2);
  const tbs = skipHeader(0);
  const first = skipHeader(tbs);
  if (der[first] !== 0xa0) return 1;
  return der[first + 4]! + 1;
}

function signatureHash(px: X509Certificate): string {
  try {
    const alg = px.signatureAlgorithm as { hash?: { name?: string } };
    return alg.hash?.name ?? '';
  } catch {
    return '';
  }
}

/** True when the key usage allows digital signatures. */
export function allowsDigitalSignature(c: Cert): boolean {
  return (c.keyUsage & KeyUsageFlags.digitalSignature) !== 0;
}

/** True when the key usage is absent or allows signing certificates. */
export function allowsCertSign(c: Cert): boolean {
  return c.keyUsage === 0 || (c.keyUsage & KeyUsageFlags.keyCertSign) !== 0;
}

/** SPIRE's fingerprint: lowercase hex SHA-1 of the DER. */
export function fingerprint(c: Cert): string {
  return createHash('sha1').update(c.der).digest('hex');
}

/** SPIRE's serial number form: lowercase hex, padded to an even number of digits. */
export function serialNumberHex(serial: bigint): string {
  const h = serial.toString(16);
  return h.length % 2 === 1 ? `0${h}` : h;
}
