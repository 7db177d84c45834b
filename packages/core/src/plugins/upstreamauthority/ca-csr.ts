import { webcrypto } from 'node:crypto';

/** A server CA CSR made for a test, in the forms its callers send. */
export interface TestCaCsr {
  der: Uint8Array;
  pem: string;
  /** The SubjectPublicKeyInfo (DER) of the CSR's key, to check what an authority signed. */
  spki: Uint8Array;
}

/**
 * A CSR as SPIRE's server sends for its CA: a fresh P-256 key, subject `C=US, O=SPIFFE` (or
 * `subject`), and the URI SANs given (none: no SAN extension). Built with @peculiar/x509, so that
 * tests of an UpstreamAuthority or of an emulated CA do not lean on the code under test.
 */
export async function makeCaCsr(uris: readonly string[], subject = 'C=US, O=SPIFFE'): Promise<TestCaCsr> {
  // Loaded here, not at the top, so only the tests that build a CSR pay for it. @peculiar/x509
  // resolves its services through tsyringe, which needs the reflect polyfill first.
  await import('reflect-metadata');
  const x509 = await import('@peculiar/x509');
  x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const extensions = uris.length > 0 ? [new x509.SubjectAlternativeNameExtension(uris.map((value) => ({ type: 'url' as const, value })))] : [];
  const req = await x509.Pkcs10CertificateRequestGenerator.create({ name: subject, keys, signingAlgorithm: alg, extensions });
  return { der: new Uint8Array(req.rawData), pem: req.toString('pem'), spki: new Uint8Array(await webcrypto.subtle.exportKey('spki', keys.publicKey)) };
}
