import { compactVerify, decodeProtectedHeader, importJWK, errors as joseErrors, type JWTPayload } from 'jose';
import { MsiErrors as E } from './errors.js';
import type { KeySet } from './key-set.js';

/** The signature algorithms SPIRE accepts for managed-identity tokens (no HMAC, no `none`). */
export const ALLOWED_ALGS = ['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512', 'PS256', 'PS384', 'PS512'] as const;

/** SPIRE's clock leeway for token times. */
export const TOKEN_LEEWAY_S = 5 * 60;

/** Claims of a verified managed-identity token. */
export interface MsiClaims extends JWTPayload {
  tid?: string;
}

/**
 * Parses the token, requires an allowed algorithm and a `kid` present in the key set, and
 * verifies the signature under that key. Times and audience are not checked here (SPIRE checks
 * them after the tenant). Throws INVALID_ARGUMENT with SPIRE's messages.
 */
export async function verifyTokenSignature(token: string, keySet: KeySet): Promise<MsiClaims> {
  let header;
  try {
    header = decodeProtectedHeader(token);
    if (token.split('.').length !== 3) throw new Error('compact JWS must have three parts');
  } catch (e) {
    throw E.parseToken((e as Error).message);
  }
  const alg = header.alg ?? '';
  if (!(ALLOWED_ALGS as readonly string[]).includes(alg)) {
    throw E.parseToken(`unexpected signature algorithm ${JSON.stringify(alg)}; expected [${ALLOWED_ALGS.join(' ')}]`);
  }
  const kid = header.kid ?? '';
  if (kid === '') throw E.missingKeyId();
  const jwk = keySet.keys.find((k) => k.kid === kid);
  if (!jwk) throw E.unknownKeyId(kid);
  try {
    const key = await importJWK({ ...jwk, alg }, alg);
    // Signature only: the time claims are checked later, with SPIRE's leeway, once the tenant is known.
    const { payload } = await compactVerify(token, key, { algorithms: [alg] });
    const claims = JSON.parse(new TextDecoder().decode(payload)) as unknown;
    if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) throw new Error('claims are not a JSON object');
    return claims as MsiClaims;
  } catch (e) {
    throw E.verifyToken(e instanceof joseErrors.JOSEError || e instanceof SyntaxError || e instanceof Error ? e.message : String(e));
  }
}

/** The issuers Entra ID uses for access tokens of tenant `tid` (v1 and v2 tokens). */
export function expectedIssuers(tid: string): string[] {
  return [`https://sts.windows.net/${tid}/`, `https://login.microsoftonline.com/${tid}/v2.0`];
}

/**
 * SPIRE's claim checks with a 5-minute leeway: `aud` must contain the tenant's resource ID and
 * `exp`/`nbf`/`iat` hold when present; plus ([harden]) `iss` must be the tenant's Entra ID issuer.
 * Throws INTERNAL `unable to validate token claims: …` as SPIRE does.
 */
export function checkClaims(c: MsiClaims, tid: string, resourceId: string, nowMs: number): void {
  const now = Math.floor(nowMs / 1000);
  const aud = Array.isArray(c.aud) ? c.aud : c.aud === undefined ? [] : [c.aud];
  if (typeof c.exp === 'number' && now - TOKEN_LEEWAY_S > c.exp) throw E.claims('validation failed, token is expired (exp)');
  if (typeof c.nbf === 'number' && now + TOKEN_LEEWAY_S < c.nbf) throw E.claims('validation failed, token not valid yet (nbf)');
  if (typeof c.iat === 'number' && now + TOKEN_LEEWAY_S < c.iat) throw E.claims('validation field, token issued in the future (iat)');
  if (!aud.includes(resourceId)) throw E.claims('validation failed, invalid audience claim (aud)');
  if (typeof c.iss !== 'string' || !expectedIssuers(tid).includes(c.iss)) throw E.claims('validation failed, invalid issuer claim (iss)');
}
