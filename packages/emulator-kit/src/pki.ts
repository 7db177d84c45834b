/**
 * The emulator's certificates: a self-signed CA, the HTTPS serving certificate (SAN IP 127.0.0.1
 * and DNS localhost), the admin client certificate, and certificates signed from a CSR (used by
 * the fake cert-manager issuer).
 */
import { randomBytes, webcrypto } from 'node:crypto';
import * as x509 from './x509-lib.js';

type CryptoKeyPair = webcrypto.CryptoKeyPair;
type CryptoKey = webcrypto.CryptoKey;

const ecdsa = { name: 'ECDSA', hash: 'SHA-256' };

/** A certificate with its key pair, and both as PEM. */
export interface Issued {
  cert: x509.X509Certificate;
  keys: CryptoKeyPair;
  certPem: string;
  keyPem: string;
}

/** What to put in a certificate made by {@link issue}. */
export interface IssueOptions {
  subject: string;
  ca?: boolean;
  dns?: string[];
  ips?: string[];
  /** Extended key usages (OIDs). */
  eku?: string[];
  notAfter?: Date;
}

async function newKeys(): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as CryptoKeyPair;
}

async function keyPem(key: CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key));
  return x509.PemConverter.encode(der, 'PRIVATE KEY');
}

/** A random positive serial number (hex). */
export function newSerial(): string {
  const b = randomBytes(16);
  b[0] = ((b[0] ?? 0) & 0x7f) | 0x01;
  return b.toString('hex');
}

/** PEM of a certificate. */
export function certPem(cert: x509.X509Certificate): string {
  return cert.toString('pem') + '\n';
}

/**
 * Makes a certificate with a new P-256 key, signed by `issuer` or self-signed when it is
 * undefined. Valid from a minute ago for a day unless `notAfter` says otherwise.
 */
export async function issue(o: IssueOptions, issuer?: Issued): Promise<Issued> {
  const keys = await newKeys();
  const extensions: x509.Extension[] = [];
  if (o.ca) {
    extensions.push(new x509.BasicConstraintsExtension(true, undefined, true));
    extensions.push(new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true));
  } else {
    extensions.push(new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true));
  }
  if (o.eku) extensions.push(new x509.ExtendedKeyUsageExtension(o.eku, false));
  const names: x509.JsonGeneralName[] = [
    ...(o.dns ?? []).map((value) => ({ type: 'dns' as const, value })),
    ...(o.ips ?? []).map((value) => ({ type: 'ip' as const, value })),
  ];
  if (names.length > 0) extensions.push(new x509.SubjectAlternativeNameExtension(names));
  extensions.push(await x509.SubjectKeyIdentifierExtension.create(keys.publicKey));
  const common = {
    serialNumber: newSerial(),
    notBefore: new Date(Date.now() - 60_000),
    notAfter: o.notAfter ?? new Date(Date.now() + 24 * 3600_000),
    extensions,
    signingAlgorithm: ecdsa,
  };
  const cert = issuer
    ? await x509.X509CertificateGenerator.create({
        ...common,
        subject: o.subject,
        issuer: issuer.cert.subject,
        publicKey: keys.publicKey,
        signingKey: issuer.keys.privateKey,
      })
    : await x509.X509CertificateGenerator.createSelfSigned({ ...common, name: o.subject, keys });
  return { cert, keys, certPem: certPem(cert), keyPem: await keyPem(keys.privateKey) };
}

/** What a CA writes into a certificate signed from a CSR. */
export interface CsrSignOptions {
  isCA: boolean;
  notAfter: Date;
  /** Key usage flags (x509.KeyUsageFlags). */
  keyUsage: number;
  /** Extended key usage OIDs; none when empty. */
  eku: string[];
}

/**
 * Verifies a PEM (or DER) PKCS#10 request and signs its public key, subject and subject
 * alternative names with `issuer`. Throws an Error naming the problem when the request does
 * not parse or its signature does not verify.
 */
export async function signCsr(csrPem: string, issuer: Issued, o: CsrSignOptions): Promise<x509.X509Certificate> {
  let csr: x509.Pkcs10CertificateRequest;
  try {
    csr = new x509.Pkcs10CertificateRequest(csrPem);
  } catch (err) {
    throw new Error(`failed to decode CSR: ${(err as Error).message}`);
  }
  if (!(await csr.verify())) throw new Error('CSR signature verification failed');
  const extensions: x509.Extension[] = [];
  if (o.isCA) extensions.push(new x509.BasicConstraintsExtension(true, undefined, true));
  extensions.push(new x509.KeyUsagesExtension(o.keyUsage, true));
  if (o.eku.length > 0) extensions.push(new x509.ExtendedKeyUsageExtension(o.eku, false));
  const sanRaw = csr.getExtension('2.5.29.17');
  if (sanRaw) {
    const san = new x509.SubjectAlternativeNameExtension(sanRaw.rawData);
    extensions.push(new x509.SubjectAlternativeNameExtension(san.names.toJSON(), san.critical));
  }
  const publicKey = await csr.publicKey.export();
  extensions.push(await x509.SubjectKeyIdentifierExtension.create(publicKey));
  extensions.push(await x509.AuthorityKeyIdentifierExtension.create(issuer.keys.publicKey));
  return x509.X509CertificateGenerator.create({
    serialNumber: newSerial(),
    subject: csr.subject,
    issuer: issuer.cert.subject,
    notBefore: new Date(Date.now() - 60_000),
    // An issued certificate never outlives its issuer.
    notAfter: o.notAfter > issuer.cert.notAfter ? issuer.cert.notAfter : o.notAfter,
    publicKey,
    signingKey: issuer.keys.privateKey,
    signingAlgorithm: ecdsa,
    extensions,
  });
}
