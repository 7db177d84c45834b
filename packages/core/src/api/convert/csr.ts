import 'reflect-metadata';
import * as x509 from '@peculiar/x509';

/** What the API reads from a PKCS#10 CSR. */
export interface CsrInfo {
  uris: string[];
  dnsNames: string[];
}

/** Parses a DER CSR. Throws Error when it is not one. */
export function parseCsr(der: Uint8Array): { csr: x509.Pkcs10CertificateRequest; info: CsrInfo } {
  let csr: x509.Pkcs10CertificateRequest;
  try {
    csr = new x509.Pkcs10CertificateRequest(Buffer.from(der));
  } catch (err) {
    throw new Error(`asn1: ${(err as Error).message}`);
  }
  const ext = csr.getExtension('2.5.29.17');
  const san = ext ? new x509.SubjectAlternativeNameExtension(ext.rawData) : undefined;
  const items = san?.names.items ?? [];
  return {
    csr,
    info: {
      uris: items.filter((n) => n.type === 'url').map((n) => n.value),
      dnsNames: items.filter((n) => n.type === 'dns').map((n) => n.value),
    },
  };
}

/** Checks the CSR's self-signature. Throws Error when it does not verify. */
export async function verifyCsr(csr: x509.Pkcs10CertificateRequest): Promise<void> {
  let ok = false;
  try {
    ok = await csr.verify();
  } catch (err) {
    throw new Error(`x509: ${(err as Error).message}`);
  }
  if (!ok) throw new Error('x509: ECDSA verification failure');
}

/** Reads `iat` and `exp` (Unix seconds) from a compact JWT without verifying it. Throws Error. */
export function jwtTimes(token: string): { issuedAt: number; expiresAt: number } {
  const parts = token.split('.');
  if (parts.length !== 3) throw new Error('token is not a compact JWS');
  const claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as { iat?: number; exp?: number };
  if (typeof claims.exp !== 'number') throw new Error('token has no expiry');
  return { issuedAt: claims.iat ?? 0, expiresAt: claims.exp };
}
