import { constants, verify, type KeyObject } from 'node:crypto';

/** The algorithms SPIRE's k8s_sat accepts for service account tokens. */
export const ALLOWED_ALGS = ['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512', 'PS256', 'PS384', 'PS512'] as const;
type Alg = (typeof ALLOWED_ALGS)[number];

/** A compact JWS, parsed but not verified. */
export interface ParsedJws {
  alg: Alg;
  signingInput: Buffer;
  signature: Buffer;
  payload: Buffer;
}

const B64URL = /^[A-Za-z0-9_-]*$/;

function b64url(part: string): Buffer {
  if (!B64URL.test(part)) throw new Error('go-jose/go-jose: illegal base64 data');
  return Buffer.from(part, 'base64url');
}

/**
 * Parses a compact JWS and checks its algorithm against ALLOWED_ALGS, as go-jose's ParseSigned
 * does. Throws Error with go-jose's wording.
 */
export function parseJws(token: string): ParsedJws {
  const parts = token.split('.');
  if (parts.length !== 3) throw new Error('go-jose/go-jose: compact JWS format must have three parts');
  let header: unknown;
  try {
    header = JSON.parse(b64url(parts[0]!).toString('utf8'));
  } catch (e) {
    throw new Error(`go-jose/go-jose: ${(e as Error).message.replace(/^go-jose\/go-jose: /, '')}`);
  }
  const alg = (header as { alg?: unknown } | null)?.alg;
  if (typeof alg !== 'string' || !(ALLOWED_ALGS as readonly string[]).includes(alg)) {
    throw new Error(`go-jose/go-jose: unexpected signature algorithm ${JSON.stringify(String(alg ?? ''))}; expected [${ALLOWED_ALGS.map((a) => JSON.stringify(a)).join(' ')}]`);
  }
  return {
    alg: alg as Alg,
    signingInput: Buffer.from(`${parts[0]}.${parts[1]}`),
    signature: b64url(parts[2]!),
    payload: b64url(parts[1]!),
  };
}

const CURVE_BYTES: Record<string, number> = { ES256: 32, ES384: 48, ES512: 66 };
const CURVES: Record<string, string> = { ES256: 'prime256v1', ES384: 'secp384r1', ES512: 'secp521r1' };

/** True when `key` made the JWS's signature with its algorithm (the key type must fit the algorithm). */
export function verifyJws(jws: ParsedJws, key: KeyObject): boolean {
  const hash = `sha${jws.alg.slice(2)}`;
  const family = jws.alg.slice(0, 2);
  try {
    if (family === 'ES') {
      if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== CURVES[jws.alg]) return false;
      if (jws.signature.length !== 2 * CURVE_BYTES[jws.alg]!) return false;
      return verify(hash, jws.signingInput, { key, dsaEncoding: 'ieee-p1363' }, jws.signature);
    }
    if (key.asymmetricKeyType !== 'rsa') return false;
    const padding = family === 'PS' ? constants.RSA_PKCS1_PSS_PADDING : constants.RSA_PKCS1_PADDING;
    return verify(hash, jws.signingInput, { key, padding, saltLength: constants.RSA_PSS_SALTLEN_AUTO }, jws.signature);
  } catch {
    return false;
  }
}
