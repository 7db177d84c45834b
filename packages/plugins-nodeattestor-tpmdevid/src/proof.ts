import { timingSafeEqual, verify } from 'node:crypto';
import type { Cert } from '@spire-ts/core/plugin';

/**
 * Verifies the DevID key's signature over the server nonce with the DevID certificate's key:
 * RSA as PKCS#1 v1.5 with SHA-256, ECDSA with SHA-256 and an ASN.1 DER signature (what
 * `tpm2_sign -f plain` writes). Returns the reason when it does not verify.
 */
export function devIdSignatureFailure(cert: Cert, nonce: Buffer, signature: Buffer): string | undefined {
  const check = (key: Parameters<typeof verify>[2], failure: string) => {
    try {
      return verify('sha256', nonce, key, signature) ? undefined : failure;
    } catch {
      return failure;
    }
  };
  if (cert.keyType === 'rsa') return check(cert.publicKey, 'crypto/rsa: verification error');
  if (cert.keyType === 'ec') return check({ key: cert.publicKey, dsaEncoding: 'der' }, 'x509: ECDSA verification failure');
  return `unsupported private key type ${cert.keyType}`;
}

/** Compares the activated credential with the nonce in constant time. Returns the reason when they differ. */
export function activationFailure(expected: Buffer, got: Buffer): string | undefined {
  if (expected.length !== got.length || !timingSafeEqual(expected, got)) return 'nonces are different';
  return undefined;
}
