import { createPublicKey, X509Certificate, type JsonWebKey } from 'node:crypto';
import { TrustDomain } from '../../spiffeid/trust-domain.js';
import type { PluginBundle } from '../types.js';

/** The bundle formats of spire-plugin-sdk's `bundleformat`, as BundlePublisher options spell them. */
export const BUNDLE_FORMATS = ['spiffe', 'jwks', 'pem'] as const;

/** One of {@link BUNDLE_FORMATS}. */
export type BundleFormat = (typeof BUNDLE_FORMATS)[number];

/**
 * The format named by `s`, case-insensitively as SPIRE reads it; throws
 * `unknown bundle format: "x"` for anything else.
 */
export function bundleFormatFromString(s: string): BundleFormat {
  const f = s.toLowerCase();
  if (!(BUNDLE_FORMATS as readonly string[]).includes(f)) throw new Error(`unknown bundle format: ${JSON.stringify(s)}`);
  return f as BundleFormat;
}

/** DER certificates as PEM blocks (64-column base64, as Go's pem.Encode). */
export function pemCertificates(ders: readonly Uint8Array[]): string {
  return ders
    .map((d) => {
      const b64 = Buffer.from(d).toString('base64');
      return `-----BEGIN CERTIFICATE-----\n${b64.match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----\n`;
    })
    .join('');
}

/**
 * A JWK with its members in the order go-jose writes them (use, kty, kid, crv, x, y, n, e, x5c);
 * `use` and `kid` are left out when empty.
 */
export function goJoseJwk(jwk: JsonWebKey, opts: { use?: string; kid?: string; x5c?: string[] }): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  if (opts.use) o.use = opts.use;
  o.kty = jwk.kty;
  if (opts.kid) o.kid = opts.kid;
  for (const m of ['crv', 'x', 'y', 'n', 'e'] as const) if (jwk[m]) o[m] = jwk[m];
  if (opts.x5c) o.x5c = opts.x5c;
  return o;
}

function x509Keys(bundle: PluginBundle, use: string | undefined): Record<string, unknown>[] {
  return bundle.x509Authorities.map((a, i) => {
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(Buffer.from(a.asn1));
    } catch (err) {
      throw new Error(`unable to parse root CA ${i}: ${(err as Error).message}`);
    }
    return goJoseJwk(cert.publicKey.export({ format: 'jwk' }), { use, x5c: [Buffer.from(a.asn1).toString('base64')] });
  });
}

function jwtKeys(bundle: PluginBundle, use: string | undefined): Record<string, unknown>[] {
  return bundle.jwtAuthorities.map((k, i) => {
    let jwk: JsonWebKey;
    try {
      jwk = createPublicKey({ key: Buffer.from(k.publicKey), format: 'der', type: 'spki' }).export({ format: 'jwk' });
    } catch (err) {
      throw new Error(`unable to parse JWT signing key ${i}: ${(err as Error).message}`);
    }
    return goJoseJwk(jwk, { use, kid: k.keyId });
  });
}

/** Go's json.Marshal escapes <, > and & in strings. */
function goJson(v: unknown): string {
  return JSON.stringify(v).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
}

/**
 * A plugin bundle in one of the BundlePublisher formats, byte for byte as spire-plugin-sdk's
 * `bundleformat` writes it:
 * - `spiffe`: the SPIFFE bundle document (X.509 keys `use: x509-svid` with x5c, JWT keys
 *   `use: jwt-svid` with kid, then `spiffe_sequence` and `spiffe_refresh_hint` when positive);
 * - `jwks`: an RFC 7517 key set with the same keys and no `use` or SPIFFE members;
 * - `pem`: the X.509 authorities as PEM certificates.
 *
 * Throws `could not convert bundle to <format> format: …` when an authority does not parse
 * (`pem` never parses them).
 */
export function formatPluginBundle(bundle: PluginBundle, format: BundleFormat): string {
  if (format === 'pem') return pemCertificates(bundle.x509Authorities.map((a) => a.asn1));
  try {
    if (format === 'jwks') return goJson({ keys: [...x509Keys(bundle, undefined), ...jwtKeys(bundle, undefined)] });
    TrustDomain.parse(bundle.trustDomain);
    const doc: Record<string, unknown> = { keys: [...x509Keys(bundle, 'x509-svid'), ...jwtKeys(bundle, 'jwt-svid')] };
    if (bundle.sequenceNumber > 0) doc.spiffe_sequence = bundle.sequenceNumber;
    if (bundle.refreshHint > 0) doc.spiffe_refresh_hint = bundle.refreshHint;
    return goJson(doc);
  } catch (err) {
    throw new Error(`could not convert bundle to ${format} format: ${(err as Error).message}`, { cause: err });
  }
}
