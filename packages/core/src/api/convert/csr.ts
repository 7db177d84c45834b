import { parseCsr as parseCsrDer, verifyCsr as verifyCsrDer, type ParsedCsr } from '../../ca/x509/csr.js';

/** What the API reads from a PKCS#10 CSR. */
export interface CsrInfo {
  uris: string[];
  dnsNames: string[];
}

/**
 * Parses a DER CSR with the CA's own reader (the one the signing workers use, a few microseconds
 * a CSR), refusing the public keys SPIRE's Go parser refuses (ca/x509/csr-policy.ts). Throws Error
 * in Go's words. Does not check the signature: see `verifyCsr`.
 */
export function parseCsr(der: Uint8Array): { csr: ParsedCsr; info: CsrInfo } {
  const csr = parseCsrDer(der);
  return { csr, info: { uris: csr.uris, dnsNames: csr.dnsNames } };
}

/**
 * Checks the CSR's self-signature on this thread (public-key work only) as SPIRE's
 * `CheckSignature` does, including its RSA minimum of 1024 bits. Throws Error in Go's words when
 * it does not verify. Calls that go on to mint an SVID need not: the signing worker checks it
 * again anyway, with the same verdicts.
 */
export function verifyCsr(csr: ParsedCsr): void {
  verifyCsrDer(csr);
}

/** Reads `iat` and `exp` (Unix seconds) from a compact JWT without verifying it. Throws Error. */
export function jwtTimes(token: string): { issuedAt: number; expiresAt: number } {
  const parts = token.split('.');
  if (parts.length !== 3) throw new Error('token is not a compact JWS');
  const claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as { iat?: number; exp?: number };
  if (typeof claims.exp !== 'number') throw new Error('token has no expiry');
  return { issuedAt: claims.iat ?? 0, expiresAt: claims.exp };
}
