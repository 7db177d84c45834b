import { fitEcdsaDigest, type HashAlgorithm, type KeyType, type SignerOpts } from '@spire-ts/core/plugin';
import { AzureKeyVaultErrors } from './errors.js';

/** What one Key Vault sign call gets: the algorithm and the digest to send. */
export interface VaultSignRequest {
  algorithm: string;
  digest: Uint8Array;
}

const RSA: Record<string, [string, string]> = {
  SHA256: ['RS256', 'PS256'],
  SHA384: ['RS384', 'PS384'],
  SHA512: ['RS512', 'PS512'],
};

/**
 * The Key Vault signature algorithm for a key type and signer options, as SPIRE maps them: RSA
 * keys sign SHA-256/384/512 digests with RS* (PKCS#1 v1.5), or PS* when PSS options are given
 * (Key Vault sets the salt to the hash length); a P-256 key signs SHA-256 digests (ES256) and a
 * P-384 key SHA-384 digests (ES384).
 *
 * Beyond SPIRE (which refuses them), an ECDSA key also signs a SHA-512 digest, or the other
 * curve's, fitted by `fitEcdsaDigest` and sent with the key's own algorithm.
 *
 * Throws INVALID_ARGUMENT for any other combination, with SPIRE's message.
 */
export function vaultSignRequest(keyType: KeyType, digest: Uint8Array, opts: SignerOpts): VaultSignRequest {
  const pss = 'pss' in opts;
  const hash = pss ? opts.pss?.hashAlgorithm : (opts as { hashAlgorithm?: HashAlgorithm }).hashAlgorithm;
  if (pss && !opts.pss) throw AzureKeyVaultErrors.badSignerOpts('invalid signerOpts. PSS options are required');
  if (!hash) throw AzureKeyVaultErrors.badSignerOpts('hash algorithm is required');
  const unsupported = () => AzureKeyVaultErrors.badSignerOpts(`unsupported combination of key type: ${keyType} and hashing algorithm: ${hash}`);
  if (keyType === 'rsa-2048' || keyType === 'rsa-4096') {
    const algs = RSA[hash];
    if (!algs) throw unsupported();
    return { algorithm: pss ? algs[1] : algs[0], digest };
  }
  const algorithm = keyType === 'ec-p256' ? 'ES256' : 'ES384';
  const fitted = pss ? undefined : fitEcdsaDigest(keyType, hash, digest);
  if (!fitted) throw unsupported();
  return { algorithm, digest: fitted };
}

function derInteger(bytes: Uint8Array): Uint8Array {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  const v = bytes.subarray(i);
  const body = v[0]! & 0x80 ? Uint8Array.of(0, ...v) : v;
  return Uint8Array.of(0x02, body.length, ...body);
}

/**
 * The signature in the form the KeyManager contract returns: Key Vault's ECDSA answer (IEEE
 * P1363 r||s, 64 bytes for P-256, 96 for P-384) as an ASN.1 DER `SEQUENCE { r, s }`; RSA
 * signatures unchanged. Throws INTERNAL for an ECDSA answer of another length.
 */
export function vaultSignatureToDer(signature: Uint8Array, keyType: KeyType): Uint8Array {
  if (keyType === 'rsa-2048' || keyType === 'rsa-4096') return signature;
  if (signature.length !== 64 && signature.length !== 96) throw AzureKeyVaultErrors.malformedSignature();
  const half = signature.length / 2;
  const body = [...derInteger(signature.subarray(0, half)), ...derInteger(signature.subarray(half))];
  const len = body.length < 0x80 ? [body.length] : [0x81, body.length];
  return Uint8Array.of(0x30, ...len, ...body);
}
