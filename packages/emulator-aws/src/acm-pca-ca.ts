/**
 * Certificate authorities made in memory for the emulated private CA (and for tests that need an
 * upstream CA in Secrets Manager): key generation, self-signed roots, subordinates, and
 * certificates issued from a CSR with CA constraints, as ACM PCA's templates give them.
 */
import { randomBytes, webcrypto } from 'node:crypto';
import * as x509 from './acm-pca-x509.js';

/** ACM PCA's key algorithms the emulator generates. */
export type PcaKeyAlgorithm = 'EC_prime256v1' | 'EC_secp384r1' | 'RSA_2048' | 'RSA_3072' | 'RSA_4096';

/** ACM PCA's signing algorithms the emulator signs with. */
export type PcaSigningAlgorithm = 'SHA256WITHECDSA' | 'SHA384WITHECDSA' | 'SHA512WITHECDSA' | 'SHA256WITHRSA' | 'SHA384WITHRSA' | 'SHA512WITHRSA';

/** A CA certificate with its private key. */
export interface CaCredentials {
  readonly cert: x509.X509Certificate;
  /** The certificate, PEM. */
  readonly certPem: string;
  /** The private key, PKCS#8 PEM. */
  readonly keyPem: string;
  readonly keyAlgorithm: PcaKeyAlgorithm;
  /** PKCS#8 DER of the private key (imported again for each signing algorithm). */
  readonly pkcs8: Uint8Array;
}

const subtle = webcrypto.subtle;

function keyParams(alg: PcaKeyAlgorithm): webcrypto.RsaHashedKeyGenParams | webcrypto.EcKeyGenParams {
  switch (alg) {
    case 'EC_prime256v1':
      return { name: 'ECDSA', namedCurve: 'P-256' };
    case 'EC_secp384r1':
      return { name: 'ECDSA', namedCurve: 'P-384' };
    default:
      return {
        name: 'RSASSA-PKCS1-v1_5',
        modulusLength: Number(alg.slice(4)),
        publicExponent: new Uint8Array([1, 0, 1]),
        hash: 'SHA-256',
      };
  }
}

/** The signing algorithm ACM PCA picks by default for a key algorithm. */
export function defaultSigningAlgorithm(alg: PcaKeyAlgorithm): PcaSigningAlgorithm {
  if (alg === 'EC_secp384r1') return 'SHA384WITHECDSA';
  return alg.startsWith('EC_') ? 'SHA256WITHECDSA' : 'SHA256WITHRSA';
}

/** True when `signing` can be made with a key of `alg`. */
export function signingFitsKey(signing: string, alg: PcaKeyAlgorithm): boolean {
  return alg.startsWith('EC_') ? /^SHA(256|384|512)WITHECDSA$/.test(signing) : /^SHA(256|384|512)WITHRSA$/.test(signing);
}

/** The WebCrypto signing key and algorithm of `ca` for an ACM PCA signing algorithm. */
async function signer(ca: CaCredentials, signing: PcaSigningAlgorithm): Promise<{ key: webcrypto.CryptoKey; algorithm: webcrypto.Algorithm | webcrypto.EcdsaParams }> {
  const hash = `SHA-${/^SHA(\d+)/.exec(signing)![1]}`;
  const ec = ca.keyAlgorithm.startsWith('EC_');
  const params = ec
    ? { name: 'ECDSA', namedCurve: (keyParams(ca.keyAlgorithm) as webcrypto.EcKeyGenParams).namedCurve }
    : { name: 'RSASSA-PKCS1-v1_5', hash };
  const key = await subtle.importKey('pkcs8', ca.pkcs8, params, false, ['sign']);
  return { key, algorithm: ec ? { name: 'ECDSA', hash } : { name: 'RSASSA-PKCS1-v1_5', hash } };
}

function serial(): string {
  const b = randomBytes(16);
  b[0]! &= 0x7f;
  return b.toString('hex');
}

const PEM_KEY = (der: ArrayBuffer) => x509.PemConverter.encode(der, 'PRIVATE KEY');

/** Options of {@link makeCa}. */
export interface MakeCaOptions {
  /** The subject, e.g. `CN=Emulator Root CA,O=Example`. */
  subject: string;
  keyAlgorithm?: PcaKeyAlgorithm;
  /** The issuing CA; absent for a self-signed root. */
  issuer?: CaCredentials;
  /** The path length constraint; absent for none. */
  pathLength?: number;
  notBefore?: Date;
  notAfter?: Date;
}

/**
 * Makes a CA: a new key of `keyAlgorithm` (default EC P-256) and a certificate with CA:true
 * (critical), keyCertSign|cRLSign (critical) and key identifiers, self-signed or signed by
 * `issuer` with its default signing algorithm. Valid from an hour ago for a year by default.
 */
export async function makeCa(o: MakeCaOptions): Promise<CaCredentials> {
  const keyAlgorithm = o.keyAlgorithm ?? 'EC_prime256v1';
  const keys = (await subtle.generateKey(keyParams(keyAlgorithm), true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const pkcs8 = new Uint8Array(await subtle.exportKey('pkcs8', keys.privateKey));
  const self: CaCredentials = { cert: undefined as never, certPem: '', keyPem: PEM_KEY(pkcs8.buffer as ArrayBuffer), keyAlgorithm, pkcs8 };
  const issuer = o.issuer ?? self;
  const s = await signer(issuer, defaultSigningAlgorithm(issuer.keyAlgorithm));
  const notBefore = o.notBefore ?? new Date(Date.now() - 3600_000);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: o.subject,
    issuer: o.issuer ? o.issuer.cert.subjectName : o.subject,
    notBefore,
    notAfter: o.notAfter ?? new Date(notBefore.getTime() + 365 * 86400_000),
    publicKey: keys.publicKey,
    signingKey: s.key,
    signingAlgorithm: s.algorithm,
    extensions: [
      new x509.BasicConstraintsExtension(true, o.pathLength, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(o.issuer ? o.issuer.cert.publicKey : keys.publicKey),
    ],
  });
  return { ...self, cert, certPem: cert.toString('pem') };
}

/** What an issued certificate is made of, besides the CSR. */
export interface IssueOptions {
  signingAlgorithm: PcaSigningAlgorithm;
  notBefore: Date;
  notAfter: Date;
  /** A CA certificate with this path length (`null`: CA without a limit); `undefined`: an end entity. */
  pathLength: number | null | undefined;
}

/**
 * Issues a certificate for a verified CSR: the CSR's subject (as encoded) and subject
 * alternative names, the given validity, key identifiers, and CA constraints from the template
 * (CA:true, keyCertSign|cRLSign) or, for an end entity, CA:false and digitalSignature.
 */
export async function issueFromCsr(ca: CaCredentials, csr: x509.Pkcs10CertificateRequest, o: IssueOptions): Promise<x509.X509Certificate> {
  const s = await signer(ca, o.signingAlgorithm);
  const isCa = o.pathLength !== undefined;
  const san = csr.getExtension('2.5.29.17');
  return x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: csr.subjectName,
    issuer: ca.cert.subjectName,
    notBefore: o.notBefore,
    notAfter: o.notAfter,
    publicKey: csr.publicKey,
    signingKey: s.key,
    signingAlgorithm: s.algorithm,
    extensions: [
      new x509.BasicConstraintsExtension(isCa, o.pathLength ?? undefined, true),
      new x509.KeyUsagesExtension(isCa ? x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign : x509.KeyUsageFlags.digitalSignature, true),
      await x509.SubjectKeyIdentifierExtension.create(csr.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(ca.cert.publicKey),
      ...(san ? [san] : []),
    ],
  });
}
