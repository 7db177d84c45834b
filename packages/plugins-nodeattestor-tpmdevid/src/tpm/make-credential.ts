import { constants, createCipheriv, createHmac, publicEncrypt, randomBytes } from 'node:crypto';
import { kdfa } from './kdfa.js';
import { TpmAlg, tpmHash } from './tpm-alg.js';
import { publicKeyOf, type TpmPublic } from './tpm-public.js';

/** The OAEP label of a credential seed: "IDENTITY" and its terminating NUL. */
export const IDENTITY_LABEL = Buffer.from('IDENTITY\0', 'latin1');

/** What TPM2_ActivateCredential takes: the credential blob and the encrypted seed, without their TPM2B size prefixes. */
export interface MadeCredential {
  /** TPM2B_ID_OBJECT contents: TPM2B outer HMAC followed by the encrypted TPM2B credential. */
  credential: Buffer;
  /** TPM2B_ENCRYPTED_SECRET contents: the seed, RSA-OAEP encrypted to the EK. */
  secret: Buffer;
}

/**
 * TPM2_MakeCredential done in software (TPM 2.0 Part 1 §24 and Part 3 §12.6) for an RSA
 * endorsement key: only the TPM holding that EK, with the object named `objectName` loaded, can
 * recover `secret` through TPM2_ActivateCredential. The EK's nameAlg is the hash of OAEP, KDFa
 * and the outer HMAC, and its AES-CFB symmetric definition sizes the inner key. `seedSource`
 * exists for deterministic tests and defaults to node:crypto randomBytes.
 * Throws Error when the EK is not an RSA storage key with AES-CFB, or the credential is longer
 * than the nameAlg digest.
 */
export function makeCredential(
  ek: TpmPublic,
  objectName: Uint8Array,
  secret: Uint8Array,
  seedSource: (n: number) => Buffer = randomBytes,
): MadeCredential {
  if (ek.type !== TpmAlg.RSA) throw new Error('unsupported algorithm: the endorsement key is not an RSA key');
  if (ek.symmetric.algorithm !== TpmAlg.AES || ek.symmetric.mode !== TpmAlg.CFB) {
    throw new Error('unsupported algorithm: the endorsement key has no AES-CFB symmetric definition');
  }
  const hash = tpmHash(ek.nameAlg);
  if (secret.length > hash.size) throw new Error(`credential of ${secret.length} bytes is longer than the ${hash.size}-byte digest`);
  const name = Buffer.from(objectName);
  const seed = seedSource(hash.size);
  const encSeed = publicEncrypt(
    { key: publicKeyOf(ek), padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: hash.name, oaepLabel: IDENTITY_LABEL },
    seed,
  );
  const keyBits = ek.symmetric.keyBits;
  const symKey = kdfa(hash.name, seed, 'STORAGE', name, Buffer.alloc(0), keyBits);
  const plain = Buffer.alloc(2 + secret.length);
  plain.writeUInt16BE(secret.length);
  Buffer.from(secret).copy(plain, 2);
  const cipher = createCipheriv(`aes-${keyBits}-cfb`, symKey, Buffer.alloc(16));
  const encIdentity = Buffer.concat([cipher.update(plain), cipher.final()]);
  const hmacKey = kdfa(hash.name, seed, 'INTEGRITY', Buffer.alloc(0), Buffer.alloc(0), hash.size * 8);
  const outerHmac = createHmac(hash.name, hmacKey).update(encIdentity).update(name).digest();
  const size = Buffer.alloc(2);
  size.writeUInt16BE(outerHmac.length);
  return { credential: Buffer.concat([size, outerHmac, encIdentity]), secret: encSeed };
}
