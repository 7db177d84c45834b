import { createPublicKey, X509Certificate } from 'node:crypto';
import type { Bundle } from '../plugins/datastore/contract.js';
import { TrustDomain } from '../spiffeid/index.js';
import { CAErrors } from './errors.js';

/** A JWK of a SPIFFE bundle (RFC 7517 plus `use`). */
export type BundleJwk = Record<string, unknown> & { kty: string; use: 'x509-svid' | 'jwt-svid' };

/**
 * The largest SPIFFE bundle document read (4 MiB). SPIRE reads a peer's document with no limit;
 * a bundle of a few hundred authorities is still far below this.
 */
export const MAX_BUNDLE_DOCUMENT_BYTES = 4 * 1024 * 1024;

/**
 * The SPIFFE bundle (JWKS) form of a stored bundle: X.509 authorities as `use: x509-svid` keys
 * with `x5c`, JWT authorities as `use: jwt-svid` keys with `kid`, plus `spiffe_sequence` and
 * `spiffe_refresh_hint`, as the SPIFFE Trust Domain and Bundle standard lays out.
 */
export function bundleToJwks(bundle: Bundle): { keys: BundleJwk[]; spiffe_sequence: number; spiffe_refresh_hint: number } {
  const keys: BundleJwk[] = [];
  for (const c of bundle.rootCas) {
    const x = new X509Certificate(Buffer.from(c.derBytes));
    keys.push({ ...(x.publicKey.export({ format: 'jwk' }) as Record<string, unknown>), use: 'x509-svid', x5c: [Buffer.from(c.derBytes).toString('base64')] } as unknown as BundleJwk);
  }
  for (const k of bundle.jwtSigningKeys) {
    const pub = createPublicKey({ key: Buffer.from(k.pkixBytes), format: 'der', type: 'spki' });
    keys.push({ ...(pub.export({ format: 'jwk' }) as Record<string, unknown>), use: 'jwt-svid', kid: k.kid } as unknown as BundleJwk);
  }
  return { keys, spiffe_sequence: bundle.sequenceNumber, spiffe_refresh_hint: bundle.refreshHint };
}

/** Options of {@link parseBundleDocument}. */
export interface ParseBundleDocumentOptions {
  /** Default {@link MAX_BUNDLE_DOCUMENT_BYTES}. */
  maxBytes?: number;
}

function nonNegativeInteger(v: unknown, field: string): number {
  if (v === undefined || v === null) return 0;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw CAErrors.badBundleDocument(`${field} must be a non-negative integer`);
  return v;
}

/**
 * Reads a SPIFFE bundle document (JWKS) as the bundle of `trustDomain` (a name or
 * `spiffe://` ID; the document itself names no trust domain), with SPIRE's strict rules rather
 * than the standard's lenient ones:
 * - a key with no `use`, or a `use` other than x509-svid, jwt-svid or wit-svid, fails the whole
 *   document (the standard says to skip such a key);
 * - an x509-svid key must carry exactly one `x5c` certificate, which must parse; the certificate
 *   is the authority (other JWK members of that key are not read);
 * - a jwt-svid key must carry a `kid` and a public key Node can read;
 * - a wit-svid key must carry a `kid`, and is dropped: stored bundles hold no WIT authorities;
 * - `spiffe_refresh_hint` and `spiffe_sequence` are non-negative integers when present;
 * - the document is at most `maxBytes` long.
 * Duplicate X.509 authorities are stored once; a repeated `kid` keeps the last key.
 * Throws INVALID_ARGUMENT (CAErrors.badBundleDocument) naming the key at fault, `keys[i]: ...`.
 */
export function parseBundleDocument(doc: string | Uint8Array, trustDomain: string, opts: ParseBundleDocumentOptions = {}): Bundle {
  const max = opts.maxBytes ?? MAX_BUNDLE_DOCUMENT_BYTES;
  const size = typeof doc === 'string' ? Buffer.byteLength(doc, 'utf8') : doc.length;
  if (size > max) throw CAErrors.bundleDocumentTooLarge(max);
  const td = TrustDomain.parse(trustDomain);
  let parsed: unknown;
  try {
    parsed = JSON.parse(typeof doc === 'string' ? doc : Buffer.from(doc).toString('utf8'));
  } catch (err) {
    throw CAErrors.badBundleDocument(`invalid JSON: ${(err as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw CAErrors.badBundleDocument('expected a JSON object');
  const d = parsed as { keys?: unknown; spiffe_refresh_hint?: unknown; spiffe_sequence?: unknown };
  if (d.keys !== undefined && d.keys !== null && !Array.isArray(d.keys)) throw CAErrors.badBundleDocument('keys must be a list');
  const bundle: Bundle = {
    trustDomainId: td.idString(),
    rootCas: [],
    jwtSigningKeys: [],
    refreshHint: nonNegativeInteger(d.spiffe_refresh_hint, 'spiffe_refresh_hint'),
    sequenceNumber: nonNegativeInteger(d.spiffe_sequence, 'spiffe_sequence'),
  };
  const seenRoots = new Set<string>();
  const jwt = new Map<string, Uint8Array>();
  for (const [i, raw] of ((d.keys ?? []) as unknown[]).entries()) {
    const bad = (why: string) => CAErrors.badBundleDocument(`keys[${i}]: ${why}`);
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw bad('expected a JSON object');
    const k = raw as Record<string, unknown>;
    if (k.use === undefined || k.use === '') throw bad('missing use');
    if (k.use === 'x509-svid') {
      const x5c = k.x5c;
      if (!Array.isArray(x5c) || x5c.length !== 1 || typeof x5c[0] !== 'string') throw bad('an x509-svid key must have exactly one x5c certificate');
      const der = Buffer.from(x5c[0], 'base64');
      try {
        new X509Certificate(der);
      } catch (err) {
        throw bad(`x5c certificate does not parse: ${(err as Error).message}`);
      }
      const key = der.toString('base64');
      if (!seenRoots.has(key)) {
        seenRoots.add(key);
        bundle.rootCas.push({ derBytes: new Uint8Array(der), taintedKey: false });
      }
    } else if (k.use === 'jwt-svid' || k.use === 'wit-svid') {
      if (typeof k.kid !== 'string' || k.kid === '') throw bad(`a ${k.use} key must have a kid`);
      if (k.use === 'wit-svid') continue;
      const { use: _use, kid: _kid, x5c: _x5c, ...members } = k;
      try {
        jwt.set(k.kid, new Uint8Array(createPublicKey({ key: members as never, format: 'jwk' }).export({ format: 'der', type: 'spki' })));
      } catch (err) {
        throw bad((err as Error).message);
      }
    } else {
      throw bad(`unknown use ${JSON.stringify(k.use)}`);
    }
  }
  for (const [kid, pkixBytes] of jwt) bundle.jwtSigningKeys.push({ pkixBytes, kid, notAfter: 0, taintedKey: false });
  return bundle;
}
