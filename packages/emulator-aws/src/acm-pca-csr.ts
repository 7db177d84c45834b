import { webcrypto } from 'node:crypto';
import * as x509 from './acm-pca-x509.js';

/**
 * A CSR as a SPIRE server sends for its CA (subject C=US, O=SPIFFE, EC P-256), with the given
 * URI SANs (none: no SAN extension), in DER and PEM. Test support for callers of the private CA
 * and of the UpstreamAuthority plugins; made here, not by the code under test.
 */
export async function makeCaCsr(uris: readonly string[]): Promise<{ der: Uint8Array; pem: string }> {
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const req = await x509.Pkcs10CertificateRequestGenerator.create({
    name: 'C=US, O=SPIFFE',
    keys,
    signingAlgorithm: alg,
    extensions: uris.length > 0 ? [new x509.SubjectAlternativeNameExtension(uris.map((value) => ({ type: 'url' as const, value })))] : [],
  });
  return { der: new Uint8Array(req.rawData), pem: req.toString('pem') };
}
