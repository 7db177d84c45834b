import { webcrypto } from 'node:crypto';
import { x509 } from '@spire-ts/emulator-kit';

/**
 * A server CA CSR (EC P-256) with `subject` (SPIRE's default `C=US, O=SPIFFE` unless given) and
 * the given URI SANs (none: no SAN extension), in DER and PEM. Test support for callers of CA
 * Service and the gcp_cas plugin; made here, not by the code under test.
 */
export async function makeCaCsr(uris: readonly string[], subject = 'C=US, O=SPIFFE'): Promise<{ der: Uint8Array; pem: string }> {
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const req = await x509.Pkcs10CertificateRequestGenerator.create({
    name: subject,
    keys,
    signingAlgorithm: alg,
    extensions: uris.length > 0 ? [new x509.SubjectAlternativeNameExtension(uris.map((value) => ({ type: 'url' as const, value })))] : [],
  });
  return { der: new Uint8Array(req.rawData), pem: req.toString('pem') };
}
