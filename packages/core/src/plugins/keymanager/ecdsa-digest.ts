import type { HashAlgorithm } from './contract.js';

/** Byte sizes of the SHA-2 digests an ECDSA key may be asked to sign. */
const SHA2_SIZE: Partial<Record<HashAlgorithm, number>> = { SHA256: 32, SHA384: 48, SHA512: 64 };

/**
 * The digest to send a remote ECDSA signer that accepts only its curve's own digest size (AWS
 * KMS, Cloud KMS, Azure Key Vault) when the KeyManager is asked for a SHA-2 digest of another
 * size. ECDSA itself reads a digest as an integer cut to the curve order's size, so the digest is
 * cut to its leftmost bytes when longer, or left-padded with zeros (the same integer) when
 * shorter; the signature over the result verifies as ECDSA with the requested hash. SPIRE's CA
 * never asks for such a pair; the KeyManager contract does.
 *
 * Returns `undefined` when `hash` is not SHA-256, SHA-384 or SHA-512 (the caller refuses the
 * combination with its own message). A digest whose length is not the hash's, or that is already
 * the curve's size, is returned unchanged: the service refuses a wrong length as it would for
 * its own hash. Pure; never throws.
 */
export function fitEcdsaDigest(keyType: 'ec-p256' | 'ec-p384', hash: HashAlgorithm | undefined, digest: Uint8Array): Uint8Array | undefined {
  const size = hash === undefined ? undefined : SHA2_SIZE[hash];
  if (size === undefined) return undefined;
  const order = keyType === 'ec-p256' ? 32 : 48;
  if (size === order || digest.length !== size) return digest;
  if (size > order) return digest.subarray(0, order);
  const padded = new Uint8Array(order);
  padded.set(digest, order - size);
  return padded;
}
