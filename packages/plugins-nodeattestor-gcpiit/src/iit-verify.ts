import type { KeyObject } from 'node:crypto';
import { compactVerify, decodeProtectedHeader } from 'jose';
import { GcpIitErrors as E } from './errors.js';

/** The audience of SPIRE's instance identity tokens. */
export const TOKEN_AUDIENCE = 'spire-gcp-node-attestor';
/** The issuers Google writes in identity tokens. */
export const GOOGLE_ISSUERS: readonly string[] = ['https://accounts.google.com', 'accounts.google.com'];
/** Clock skew allowed on exp/nbf/iat, as SPIRE's JWT library allows. */
export const LEEWAY_SECONDS = 60;

/** The `google.compute_engine` claims. */
export interface ComputeEngineClaims {
  projectId: string;
  projectNumber: number;
  zone: string;
  instanceId: string;
  instanceName: string;
  instanceCreationTimestamp: number;
}

/** What an accepted token says. */
export interface IdentityToken {
  email: string;
  computeEngine: ComputeEngineClaims;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

function checkClaims(c: Record<string, unknown>, nowSec: number): string | undefined {
  const aud = c.aud;
  const auds = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud : [];
  if (!auds.includes(TOKEN_AUDIENCE)) return 'invalid audience claim (aud)';
  if (!GOOGLE_ISSUERS.includes(str(c.iss))) return 'invalid issuer claim (iss)';
  if (typeof c.exp !== 'number') return 'token has no expiration time (exp)';
  if (nowSec > c.exp + LEEWAY_SECONDS) return 'token is expired (exp)';
  if (typeof c.nbf === 'number' && nowSec + LEEWAY_SECONDS < c.nbf) return 'token not valid yet (nbf)';
  if (typeof c.iat === 'number' && nowSec + LEEWAY_SECONDS < c.iat) return 'token issued in the future (iat)';
  return undefined;
}

/**
 * Verifies an instance identity token as SPIRE does, hardened: RS256 only (INVALID_ARGUMENT
 * "unable to parse the identity token" for any other algorithm or a malformed token), signed by
 * the Google key its `kid` names (INVALID_ARGUMENT "failed to validate the identity token
 * signature"), audience `spire-gcp-node-attestor`, an `exp` that has not passed, and Google's
 * issuer (PERMISSION_DENIED "failed to validate the identity token claims"). Pure.
 */
export async function verifyIdentityToken(token: string, keys: Map<string, KeyObject>, nowMs: number): Promise<IdentityToken> {
  let header;
  try {
    header = decodeProtectedHeader(token);
    if (token.split('.').length !== 3) throw new Error('not a compact JWS');
  } catch (e) {
    throw E.parse((e as Error).message);
  }
  if (header.alg !== 'RS256') throw E.parse(`unexpected signature algorithm ${JSON.stringify(header.alg ?? '')}; expected ["RS256"]`);
  const key = header.kid === undefined ? undefined : keys.get(header.kid);
  if (!key) throw E.signature(`no Google key with key ID ${JSON.stringify(header.kid ?? '')}`);
  let claims: Record<string, unknown>;
  try {
    const { payload } = await compactVerify(token, key, { algorithms: ['RS256'] });
    claims = JSON.parse(new TextDecoder().decode(payload)) as Record<string, unknown>;
    if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) throw new Error('the claims are not a JSON object');
  } catch (e) {
    throw E.signature((e as Error).message);
  }
  const problem = checkClaims(claims, Math.floor(nowMs / 1000));
  if (problem) throw E.claims(problem);
  const ce = ((claims.google as Record<string, unknown> | undefined)?.compute_engine ?? {}) as Record<string, unknown>;
  return {
    email: str(claims.email),
    computeEngine: {
      projectId: str(ce.project_id),
      projectNumber: num(ce.project_number),
      zone: str(ce.zone),
      instanceId: str(ce.instance_id),
      instanceName: str(ce.instance_name),
      instanceCreationTimestamp: num(ce.instance_creation_timestamp),
    },
  };
}
