import { createPublicKey, X509Certificate } from 'node:crypto';
import type { Bundle } from '../plugins/datastore/contract.js';

/** A JWK of a SPIFFE bundle (RFC 7517 plus `use`). */
export type BundleJwk = Record<string, unknown> & { kty: string; use: 'x509-svid' | 'jwt-svid' };

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
