/** Server CA CSRs for the Vault plugins' tests, as SPIRE's server CA makes them. */
import { webcrypto } from 'node:crypto';
import { x509 } from '@spire-ts/emulator-kit';

/** A P-256 CSR with subject `name` (default SPIRE's `C=US, O=SPIFFE`) and these URI SANs. */
export async function makeCaCsr(uris: readonly string[], name = 'C=US, O=SPIFFE'): Promise<{ der: Uint8Array; pem: string }> {
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const extensions = uris.length > 0 ? [new x509.SubjectAlternativeNameExtension(uris.map((value) => ({ type: 'url' as const, value })))] : [];
  const req = await x509.Pkcs10CertificateRequestGenerator.create({ name, keys, signingAlgorithm: alg, extensions });
  return { der: new Uint8Array(req.rawData), pem: req.toString('pem') };
}
