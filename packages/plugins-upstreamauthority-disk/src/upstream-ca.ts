import { readFile } from 'node:fs/promises';
import { createPrivateKey, createPublicKey, randomBytes, sign, X509Certificate, type KeyObject } from 'node:crypto';
import {
  assembleCertificate,
  authorityKeyIdExt,
  basicConstraintsExt,
  encodeTbs,
  fromPem,
  KeyUsage,
  keyTypeOf,
  keyUsageExt,
  parseCsr,
  randomSerial,
  readCertificate,
  signatureAlgorithmDer,
  signatureAlgorithmFor,
  subjectAltNameExt,
  subjectKeyId,
  subjectKeyIdExt,
  verifyCsr,
  type KeyType,
} from '@spire-ts/core/plugin';
import { DiskUpstreamErrors } from './errors.js';

/** Paths of the upstream CA credentials. */
export interface DiskUpstreamPaths {
  certFilePath: string;
  keyFilePath: string;
  bundleFilePath?: string;
}

/** Loaded upstream CA credentials. */
export interface UpstreamCredentials {
  key: KeyObject;
  keyType: KeyType;
  /** The upstream CA certificate (first of cert_file_path). */
  caCert: Uint8Array;
  /**
   * With a bundle: every certificate of cert_file_path (the upstream CA first, then what leads to
   * the roots), appended to each minted CA chain. Empty for a self-signed upstream CA.
   */
  chain: Uint8Array[];
  /** The roots: bundle_file_path, or the self-signed CA itself. */
  roots: Uint8Array[];
}

/**
 * Loads and checks the credentials as SPIRE's disk plugin does: the key matches the first
 * certificate, and that certificate either is the only one and self-signed (no bundle) or chains
 * through the rest of the file to a root of the bundle. Throws INVALID_ARGUMENT naming the problem.
 */
export async function loadUpstreamCredentials(p: DiskUpstreamPaths): Promise<UpstreamCredentials> {
  let key: KeyObject;
  try {
    key = createPrivateKey(await readFile(p.keyFilePath));
  } catch (err) {
    throw DiskUpstreamErrors.loadKey(err);
  }
  const keyType = keyTypeOf(key);
  if (!keyType) throw DiskUpstreamErrors.loadKey(new Error('unsupported key type; use EC P-256, EC P-384, RSA 2048 or RSA 4096'));
  let certs: Uint8Array[];
  try {
    certs = fromPem(await readFile(p.certFilePath, 'utf8'));
    if (certs.length === 0) throw new Error('no PEM blocks');
    certs.forEach((c) => readCertificate(c));
  } catch (err) {
    throw DiskUpstreamErrors.loadCert(err);
  }
  let roots: Uint8Array[];
  let chain: Uint8Array[];
  if (!p.bundleFilePath) {
    if (certs.length !== 1) throw DiskUpstreamErrors.onlySelfSigned();
    roots = certs;
    chain = [];
  } else {
    try {
      roots = fromPem(await readFile(p.bundleFilePath, 'utf8'));
      if (roots.length === 0) throw new Error('no PEM blocks');
      roots.forEach((c) => readCertificate(c));
    } catch (err) {
      throw DiskUpstreamErrors.loadBundle(err);
    }
    chain = certs;
  }
  const caCert = certs[0]!;
  if (!new X509Certificate(Buffer.from(caCert)).checkPrivateKey(key)) throw DiskUpstreamErrors.keyMismatch();
  if (!chainsTo(caCert, chain.slice(1), roots)) throw DiskUpstreamErrors.notValidated();
  return { key, keyType, caCert, chain, roots };
}

/** True when `leaf` chains to one of `roots` through `intermediates` (signatures and CA flags). */
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

/** SPIRE's defaults for upstream-signed CAs: 1 h TTL, 10 s backdate. */
export const DEFAULT_UPSTREAM_CA_TTL_MS = 60 * 60 * 1000;
export const UPSTREAM_CA_BACKDATE_MS = 10_000;

/**
 * Signs the server CA's CSR: the CSR must verify and carry exactly one URI SAN, the trust domain
 * ID. The CA certificate keeps the CSR subject, is valid for the preferred TTL (default 1 h) capped
 * at the upstream CA's expiry, and has CA=true, keyCertSign/cRLSign, subject and authority key IDs.
 * Throws an Error describing the problem.
 */
export async function signCaCsr(cred: UpstreamCredentials, csrDer: Uint8Array, trustDomainId: string, preferredTtlSeconds: number, now: number): Promise<Uint8Array> {
  let csr;
  try {
    csr = parseCsr(csrDer);
  } catch (err) {
    throw new Error(`unable to parse CSR: ${(err as Error).message}`);
  }
  try {
    // SPIRE's x509svid.ValidateCSR wording; the key rules are Go's CheckSignature (core's csr-policy).
    verifyCsr(csr);
  } catch (err) {
    throw new Error(`CSR signature check failed: ${(err as Error).message}`);
  }
  if (csr.uris.length !== 1) throw new Error('CSR must have exactly one URI SAN');
  if (csr.uris[0] !== trustDomainId) {
    throw new Error(`CSR with SPIFFE ID "${csr.uris[0]}" is invalid: must use the trust domain ID for trust domain "${trustDomainId.replace('spiffe://', '')}"`);
  }
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
