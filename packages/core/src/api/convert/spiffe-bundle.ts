import { createPublicKey, X509Certificate, type JsonWebKey } from 'node:crypto';
import type { ProtoBundle } from './bundle.js';
import { TrustDomain } from '../../spiffeid/index.js';
import { parseGoJson } from './go-json.js';
import { goJoseJwk, pemCertificates } from '../../plugins/bundlepublisher/bundle-format.js';

export { pemCertificates };

/** Every certificate in PEM text, DER; throws when a block does not parse or none is found. */
export function parsePemCertificates(text: string): Uint8Array[] {
  const out: Uint8Array[] = [];
  const re = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m[1] !== 'CERTIFICATE') continue;
    const der = Buffer.from(m[2]!.replace(/\s+/g, ''), 'base64');
    try {
      new X509Certificate(der);
    } catch (err) {
      throw new Error(`x509: malformed certificate: ${(err as Error).message}`);
    }
    out.push(new Uint8Array(der));
  }
  if (out.length === 0) throw new Error('no PEM blocks');
  return out;
}

function jwkOf(spkiDer: Uint8Array): JsonWebKey {
  return createPublicKey({ key: Buffer.from(spkiDer), format: 'der', type: 'spki' }).export({ format: 'jwk' });
}

function ordered(use: string, jwk: JsonWebKey, kid?: string, x5c?: string[]): Record<string, unknown> {
  return goJoseJwk(jwk, { use, ...(kid ? { kid } : {}), ...(x5c ? { x5c } : {}) });
}

/**
 * The SPIFFE bundle (JWKS) document go-spiffe marshals for a bundle: X.509 authorities
 * (`use: x509-svid`, with x5c) then JWT authorities (`use: jwt-svid`, with kid), then
 * spiffe_sequence and spiffe_refresh_hint when positive; indented with 4 spaces as SPIRE's CLI.
 */
export function spiffeBundleJson(b: ProtoBundle): string {
  TrustDomain.parse(b.trust_domain);
  const keys: unknown[] = [];
  b.x509_authorities.forEach((a, i) => {
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(Buffer.from(a.asn1));
    } catch (err) {
      throw new Error(`unable to parse root CA ${i}: ${(err as Error).message}`);
    }
    keys.push(ordered('x509-svid', cert.publicKey.export({ format: 'jwk' }), undefined, [Buffer.from(a.asn1).toString('base64')]));
  });
  for (const k of b.jwt_authorities) keys.push(ordered('jwt-svid', jwkOf(k.public_key), k.key_id));
  const doc: Record<string, unknown> = { keys };
  if (Number(b.sequence_number) > 0) doc.spiffe_sequence = Number(b.sequence_number);
  if (Number(b.refresh_hint) > 0) doc.spiffe_refresh_hint = Number(b.refresh_hint);
  return JSON.stringify(doc, null, 4).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
}

/**
 * Parses a SPIFFE bundle document for `trustDomain` into the API form. Throws with go-spiffe's
 * kind of messages (`unable to parse JWKS`, `missing use for key entry 0`, ...).
 */
export function parseSpiffeBundle(trustDomain: string, text: string): ProtoBundle {
  const td = TrustDomain.parse(trustDomain);
  let doc: { keys?: unknown; spiffe_refresh_hint?: unknown; spiffe_sequence?: unknown };
  try {
    doc = parseGoJson(text) as typeof doc;
  } catch (err) {
    throw new Error(`spiffebundle: unable to parse JWKS: ${(err as Error).message}`);
  }
  if (!doc || typeof doc !== 'object' || !Array.isArray(doc.keys)) throw new Error('spiffebundle: no authorities found');
  const b: ProtoBundle = { trust_domain: td.name, x509_authorities: [], jwt_authorities: [], refresh_hint: 0, sequence_number: 0, wit_authorities: [] };
  doc.keys.forEach((raw, i) => {
    const k = raw as Record<string, unknown>;
    if (k.use === 'x509-svid') {
      const x5c = k.x5c as unknown;
      if (!Array.isArray(x5c) || x5c.length !== 1) throw new Error(`spiffebundle: expected a single certificate in x509-svid entry ${i}; got ${Array.isArray(x5c) ? x5c.length : 0}`);
      b.x509_authorities.push({ asn1: Buffer.from(String(x5c[0]), 'base64'), tainted: false });
    } else if (k.use === 'jwt-svid') {
      if (typeof k.kid !== 'string' || k.kid === '') throw new Error(`spiffebundle: missing key ID in jwt-svid entry ${i}`);
      let der: Buffer;
      try {
        der = createPublicKey({ key: k as JsonWebKey, format: 'jwk' }).export({ format: 'der', type: 'spki' });
      } catch (err) {
        throw new Error(`spiffebundle: unable to parse JWKS: ${(err as Error).message}`);
      }
      b.jwt_authorities.push({ public_key: der, key_id: k.kid, expires_at: 0, tainted: false });
    } else if (k.use === undefined || k.use === '') {
      throw new Error(`spiffebundle: missing use for key entry ${i}`);
    }
  });
  if (typeof doc.spiffe_refresh_hint === 'number') b.refresh_hint = doc.spiffe_refresh_hint;
  if (typeof doc.spiffe_sequence === 'number') b.sequence_number = doc.spiffe_sequence;
  return b;
}

/** Prints a bundle as SPIRE's `-format pem|spiffe` does, optionally under a trust-domain header. */
export function formatBundle(b: ProtoBundle | null | undefined, format: string, header: boolean): string {
  if (!b) throw new Error('no bundle provided');
  const f = validateBundleFormat(format);
  let out = header ? `****************************************\n* ${b.trust_domain}\n****************************************\n` : '';
  if (f === 'pem') {
    out += pemCertificates(b.x509_authorities.map((a) => a.asn1));
  } else {
    out += `${spiffeBundleJson(b)}\n`;
  }
  return out;
}

/** `pem` or `spiffe` (case-insensitive, empty means pem); throws `invalid format: "x"`. */
export function validateBundleFormat(format: string): 'pem' | 'spiffe' {
  const f = (format || 'pem').toLowerCase();
  if (f !== 'pem' && f !== 'spiffe') throw new Error(`invalid format: ${JSON.stringify(f)}`);
  return f;
}

/**
 * The federated bundle `spire-server bundle set` sends for `id` from bundle text in `format`
 * (`pem`: every certificate becomes an X.509 authority; `spiffe`: a SPIFFE bundle document).
 * Throws with the CLI's messages: `invalid format: "x"`, `unable to parse bundle data: ...`,
 * `unable to parse to spiffe bundle: ...`.
 */
export function federatedBundleFromText(id: string, format: string, text: string): ProtoBundle {
  return bundleFromText(id, validateBundleFormat(format), text);
}

/**
 * The bundle for `id` in bundle text of a known format, with the CLI's messages:
 * `unable to parse bundle data: ...` (pem), `unable to parse to spiffe bundle: ...` (spiffe).
 */
export function bundleFromText(id: string, format: 'pem' | 'spiffe', text: string): ProtoBundle {
  if (format === 'pem') {
    let certs: Uint8Array[];
    try {
      certs = parsePemCertificates(text);
    } catch (err) {
      throw new Error(`unable to parse bundle data: ${(err as Error).message}`);
    }
    return { trust_domain: id, x509_authorities: certs.map((der) => ({ asn1: Buffer.from(der), tainted: false })), jwt_authorities: [], refresh_hint: 0, sequence_number: 0, wit_authorities: [] };
  }
  try {
    return parseSpiffeBundle(id, text);
  } catch (err) {
    throw new Error(`unable to parse to spiffe bundle: ${(err as Error).message}`);
  }
}
