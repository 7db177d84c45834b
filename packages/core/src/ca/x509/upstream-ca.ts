/**
 * An upstream CA that signs the server CA locally, as SPIRE's `x509svid.UpstreamCA` does for the
 * disk and awssecret UpstreamAuthority plugins: the checks on the credentials (key matches the CA
 * certificate, the certificate chains to the roots) and the signing of the server CA's CSR. The
 * plugins differ only in where the PEM comes from and in the wording of their errors.
 */
import { createPrivateKey, createPublicKey, randomBytes, sign, X509Certificate, type KeyObject } from 'node:crypto';
import type { KeyType } from '../../plugins/keymanager/contract.js';
import { keyTypeOf } from '../../plugins/keymanager/key-types.js';
import { assembleCertificate, encodeTbs, fromPem, randomSerial, readCertificate } from './certificate.js';
import { parseCsr, verifyCsr, type ParsedCsr } from './csr.js';
import { authorityKeyIdExt, basicConstraintsExt, KeyUsage, keyUsageExt, subjectAltNameExt, subjectKeyIdExt } from './extensions.js';
import { signatureAlgorithmFor, subjectKeyId } from './spki.js';
import { signatureAlgorithmDer } from './svid-template.js';

/** Loaded and checked upstream CA credentials. */
export interface UpstreamCredentials {
  key: KeyObject;
  keyType: KeyType;
  /** The upstream CA certificate (the first of the certificate file). */
  caCert: Uint8Array;
  /**
   * With a bundle: every certificate of the certificate file (the upstream CA first, then what
   * leads to the roots), appended to each minted CA chain. Empty for a self-signed upstream CA.
   */
  chain: Uint8Array[];
  /** The roots: the bundle, or the self-signed CA itself. */
  roots: Uint8Array[];
}

/** The errors a plugin raises for each failed credential check, in its own words. */
export interface UpstreamCredentialErrors {
  /** No bundle, and the certificate file holds more than one certificate. */
  onlySelfSigned(): Error;
  /** The key is not the CA certificate's. */
  keyMismatch(): Error;
  /** The CA certificate does not chain to the roots (or, without a bundle, is not self-signed). */
  notValidated(): Error;
}

/**
 * Parses a PEM private key (PKCS#1, PKCS#8 or SEC 1 EC) of a type SPIRE signs with. Throws an
 * Error naming the problem.
 */
export function parseUpstreamKey(pem: string | Uint8Array): { key: KeyObject; keyType: KeyType } {
  const key = createPrivateKey(typeof pem === 'string' ? pem : Buffer.from(pem));
  const keyType = keyTypeOf(key);
  if (!keyType) throw new Error('unsupported key type; use EC P-256, EC P-384, RSA 2048 or RSA 4096');
  return { key, keyType };
}

/** The DER certificates of a PEM text; throws an Error when there are none or one does not parse. */
export function parseCertificatesPem(pem: string): Uint8Array[] {
  const certs = fromPem(pem);
  if (certs.length === 0) throw new Error('no PEM blocks');
  certs.forEach((c) => readCertificate(c));
  return certs;
}

/**
 * Checks upstream CA credentials as SPIRE does: without a bundle the certificate file must hold
 * exactly one certificate, which is then the root; with one, the bundle holds the roots and the
 * whole certificate file is the chain. The key must match the first certificate, and that
 * certificate must chain through the rest of the file to a root. Throws the error `errors` makes
 * for the first failed check.
 */
export function checkUpstreamCredentials(
  parts: { key: KeyObject; keyType: KeyType; certs: Uint8Array[]; bundle?: Uint8Array[] },
  errors: UpstreamCredentialErrors,
): UpstreamCredentials {
  const { key, keyType, certs, bundle } = parts;
  let roots: Uint8Array[];
  let chain: Uint8Array[];
  if (!bundle) {
    if (certs.length !== 1) throw errors.onlySelfSigned();
    roots = certs;
    chain = [];
  } else {
    roots = bundle;
    chain = certs;
  }
  const caCert = certs[0]!;
  if (!new X509Certificate(Buffer.from(caCert)).checkPrivateKey(key)) throw errors.keyMismatch();
  if (!chainsTo(caCert, chain.slice(1), roots)) throw errors.notValidated();
  return { key, keyType, caCert, chain, roots };
}

/** True when `leaf` chains to one of `roots` through `intermediates` (signatures, CA flags, validity). */
function chainsTo(leaf: Uint8Array, intermediates: Uint8Array[], roots: Uint8Array[]): boolean {
  const now = Date.now();
  const x = (d: Uint8Array) => new X509Certificate(Buffer.from(d));
  const valid = (c: X509Certificate) => Date.parse(c.validFrom) <= now && now <= Date.parse(c.validTo);
  let cur = x(leaf);
  if (!valid(cur)) return false;
  const pool = intermediates.map(x);
  const rootCerts = roots.map(x);
  for (let depth = 0; depth <= pool.length; depth++) {
    for (const r of rootCerts) {
      if (r.ca && cur.checkIssued(r) && cur.verify(r.publicKey) && valid(r)) return true;
    }
    const next = pool.find((c) => c.ca && cur.checkIssued(c) && cur.verify(c.publicKey) && valid(c));
    if (!next) return false;
    cur = next;
  }
  return false;
}

function signAsync(hash: string, data: Uint8Array, key: KeyObject): Promise<Uint8Array> {
  // The callback form runs on libuv's thread pool, off the main thread.
  return new Promise((resolve, reject) => sign(hash, data, key, (err, sig) => (err ? reject(err) : resolve(new Uint8Array(sig)))));
}

/** SPIRE's default lifetime of an upstream-signed CA when no TTL is asked for: 1 h. */
export const DEFAULT_UPSTREAM_CA_TTL_MS = 60 * 60 * 1000;
/** How far back an upstream-signed CA's notBefore is set: 10 s. */
export const UPSTREAM_CA_BACKDATE_MS = 10_000;

/**
 * Checks a server CA's CSR as SPIRE's upstream CAs do: it must parse, its signature must verify,
 * and it must carry exactly one URI SAN, the trust domain ID. Returns the parsed CSR; throws an
 * Error describing the problem.
 */
export function checkCaCsr(csrDer: Uint8Array, trustDomainId: string): ParsedCsr {
  let csr;
  try {
    csr = parseCsr(csrDer);
  } catch (err) {
    throw new Error(`unable to parse CSR: ${(err as Error).message}`);
  }
  try {
    // SPIRE's x509svid.ValidateCSR wording; the key rules are Go's CheckSignature (csr-policy).
    verifyCsr(csr);
  } catch (err) {
    throw new Error(`CSR signature check failed: ${(err as Error).message}`);
  }
  if (csr.uris.length !== 1) throw new Error('CSR must have exactly one URI SAN');
  if (csr.uris[0] !== trustDomainId) {
    throw new Error(`CSR with SPIFFE ID "${csr.uris[0]}" is invalid: must use the trust domain ID for trust domain "${trustDomainId.replace('spiffe://', '')}"`);
  }
  return csr;
}

/**
 * Signs the server CA's CSR, once {@link checkCaCsr} accepts it. The CA certificate keeps the CSR
 * subject, is valid for the preferred TTL (default 1 h) capped at the upstream CA's expiry, and
 * has CA=true, keyCertSign/cRLSign, the trust domain URI SAN, subject and authority key IDs.
 * Throws an Error describing the problem (the plugin wraps it as "unable to sign CSR: …").
 */
export async function signCaCsr(cred: UpstreamCredentials, csrDer: Uint8Array, trustDomainId: string, preferredTtlSeconds: number, now: number): Promise<Uint8Array> {
  const csr = checkCaCsr(csrDer, trustDomainId);
  const upstream = readCertificate(cred.caCert);
  const ttl = preferredTtlSeconds > 0 ? preferredTtlSeconds * 1000 : DEFAULT_UPSTREAM_CA_TTL_MS;
  const notAfter = Math.min(now + ttl, upstream.notAfter);
  // Validate the public key before building (throws on garbage).
  createPublicKey({ key: Buffer.from(csr.spki), format: 'der', type: 'spki' });
  const tbs = encodeTbs({
    serial: randomSerial(randomBytes),
    signatureAlgorithm: signatureAlgorithmDer(cred.keyType),
    issuer: upstream.subjectDer,
    notBefore: now - UPSTREAM_CA_BACKDATE_MS,
    notAfter,
    subject: csr.subject,
    spki: csr.spki,
    extensions: [
      keyUsageExt([KeyUsage.keyCertSign, KeyUsage.cRLSign]),
      basicConstraintsExt(true),
      subjectKeyIdExt(subjectKeyId(csr.spki)),
      authorityKeyIdExt(upstream.subjectKeyId),
      subjectAltNameExt([trustDomainId], [], false),
    ],
  });
  const sig = await signAsync(signatureAlgorithmFor(cred.keyType).hash, tbs, cred.key);
  return assembleCertificate(tbs, signatureAlgorithmDer(cred.keyType), sig);
}
