import { ChainError, verifyChains, type Cert } from '@spire-ts/core/plugin';
import { publicKeyOf, type TpmPublic } from './tpm/tpm-public.js';

/**
 * Checks that the EK certificate's key is the RSA key EKPub describes (same modulus and exponent).
 * Returns the reason when it is not, undefined when they match.
 */
export function ekMismatch(ekCert: Cert, ekPub: TpmPublic): string | undefined {
  if (ekCert.keyType !== 'rsa') return 'key from certificate is not an RSA key';
  if (!ekPub.rsa) return 'key from template is not an RSA key';
  let fromTemplate;
  try {
    fromTemplate = publicKeyOf(ekPub).export({ format: 'jwk' });
  } catch (e) {
    return `cannot get template key: ${(e as Error).message}`;
  }
  const fromCert = ekCert.publicKey.export({ format: 'jwk' });
  if (fromCert.e !== fromTemplate.e) return 'exponent mismatch';
  if (fromCert.n !== fromTemplate.n) return 'modulus mismatch';
  return undefined;
}

/**
 * Verifies the EK certificate against the endorsement roots alone (no intermediates, as SPIRE).
 * The chain verifier handles the subjectAltName extension, so the critical SAN holding only a
 * directoryName that real EK certificates carry is accepted, while any other critical extension
 * it does not handle still fails the chain. Returns the reason when there is no chain.
 */
export function ekChainFailure(ekCert: Cert, roots: Cert[], now: Date): string | undefined {
  try {
    verifyChains(ekCert, [], roots, now);
    return undefined;
  } catch (e) {
    if (e instanceof ChainError) return e.message;
    throw e;
  }
}
