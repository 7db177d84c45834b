/**
 * The cryptography behind the emulated Key Vault: key generation for the key types SPIRE asks
 * for, and signing of a prehashed digest as Key Vault does it (ECDSA answers the raw r||s
 * concatenation, RSA PKCS#1 v1.5 or PSS with a salt as long as the hash).
 */
import { generateKeyPair, type JsonWebKey, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { signDigest, type HashAlgorithm, type KeyType } from '@spire-ts/core/plugin';

const generate = promisify(generateKeyPair);

/** Key Vault signature algorithms: the key family and the hash over which the digest was taken. */
export const SIGNATURE_ALGORITHMS: Record<string, { family: 'EC' | 'RSA'; hash: HashAlgorithm; pss: boolean; curve?: string }> = {
  ES256: { family: 'EC', hash: 'SHA256', pss: false, curve: 'P-256' },
  ES384: { family: 'EC', hash: 'SHA384', pss: false, curve: 'P-384' },
  RS256: { family: 'RSA', hash: 'SHA256', pss: false },
  RS384: { family: 'RSA', hash: 'SHA384', pss: false },
  RS512: { family: 'RSA', hash: 'SHA512', pss: false },
  PS256: { family: 'RSA', hash: 'SHA256', pss: true },
  PS384: { family: 'RSA', hash: 'SHA384', pss: true },
  PS512: { family: 'RSA', hash: 'SHA512', pss: true },
};

/** A generated key pair and its public JWK members (n/e or crv/x/y). */
export interface VaultKeyMaterial {
  privateKey: KeyObject;
  publicJwk: JsonWebKey;
  keyType: KeyType;
}

/** The SPIRE key type of a Key Vault create request, or a reason it is refused. */
export function keyTypeOfRequest(kty: unknown, keySize: unknown, crv: unknown): { keyType: KeyType } | { refused: string } {
  if (kty === 'EC' || kty === 'EC-HSM') {
    if (crv === 'P-256') return { keyType: 'ec-p256' };
    if (crv === 'P-384') return { keyType: 'ec-p384' };
    return { refused: `The curve ${String(crv)} is not supported by the emulator.` };
  }
  if (kty === 'RSA' || kty === 'RSA-HSM') {
    if (keySize === undefined || keySize === 2048) return { keyType: 'rsa-2048' };
    if (keySize === 4096) return { keyType: 'rsa-4096' };
    return { refused: `The key size ${String(keySize)} is not supported by the emulator.` };
  }
  return { refused: `The key type ${String(kty)} is not supported.` };
}

/** Generates a key of a SPIRE key type. */
export async function generateVaultKey(keyType: KeyType): Promise<VaultKeyMaterial> {
  const pair =
    keyType === 'ec-p256' || keyType === 'ec-p384'
      ? await generate('ec', { namedCurve: keyType === 'ec-p256' ? 'P-256' : 'P-384' })
      : await generate('rsa', { modulusLength: keyType === 'rsa-2048' ? 2048 : 4096 });
  return { privateKey: pair.privateKey, publicJwk: pair.publicKey.export({ format: 'jwk' }), keyType };
}

function derIntegers(der: Uint8Array): [Uint8Array, Uint8Array] {
  // SEQUENCE { INTEGER r, INTEGER s }; the signatures here are short enough for one-byte lengths,
  // except P-384 whose SEQUENCE may use the 0x81 long form.
  let i = 1;
  i += der[i]! & 0x80 ? 1 + (der[i]! & 0x7f) : 1;
  const read = (): Uint8Array => {
    if (der[i] !== 0x02) throw new Error('malformed ECDSA signature');
    const len = der[i + 1]!;
    const v = der.subarray(i + 2, i + 2 + len);
    i += 2 + len;
    return v;
  };
  return [read(), read()];
}

/** An ASN.1 DER ECDSA signature as the fixed-size r||s concatenation Key Vault answers. */
export function derToRawEcdsa(der: Uint8Array, size: number): Uint8Array {
  const out = new Uint8Array(size * 2);
  derIntegers(der).forEach((n, k) => {
    const trimmed = n[0] === 0 ? n.subarray(1) : n;
    out.set(trimmed, (k + 1) * size - trimmed.length);
  });
  return out;
}

/**
 * Signs `digest` with `alg`; returns the signature as Key Vault answers it, or a reason the
 * request is refused (a wrong key family, curve or digest length).
 */
export function vaultSign(m: VaultKeyMaterial, alg: string, digest: Uint8Array): Uint8Array | string {
  const a = SIGNATURE_ALGORITHMS[alg];
  if (!a) return `Invalid algorithm ${alg}.`;
  const ec = m.keyType === 'ec-p256' || m.keyType === 'ec-p384';
  if ((a.family === 'EC') !== ec) return `Algorithm ${alg} is not supported for key type ${ec ? 'EC' : 'RSA'}.`;
  if (a.curve && a.curve !== m.publicJwk.crv) return `Algorithm ${alg} is not supported for curve ${String(m.publicJwk.crv)}.`;
  const opts = a.pss ? { pss: { saltLength: -1, hashAlgorithm: a.hash } } : { hashAlgorithm: a.hash };
  let sig: Uint8Array;
  try {
    sig = signDigest(m.privateKey, m.keyType, digest, opts);
  } catch (e) {
    return `Invalid digest for ${alg}: ${(e as Error).message}.`;
  }
  return ec ? derToRawEcdsa(sig, m.keyType === 'ec-p256' ? 32 : 48) : sig;
}
