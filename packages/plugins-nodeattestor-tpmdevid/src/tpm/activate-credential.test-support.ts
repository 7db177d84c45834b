/**
 * Test-only: TPM2_ActivateCredential in software, for an RSA EK whose private key the test holds.
 * It is the inverse of makeCredential written step by step from TPM 2.0 Part 1 §24, so it can
 * open blobs made by makeCredential and by `tpm2_makecredential -T none` alike.
 */
import { constants, createDecipheriv, createHmac, privateDecrypt, timingSafeEqual, type KeyObject } from 'node:crypto';
import { kdfa } from './kdfa.js';
import { IDENTITY_LABEL } from './make-credential.js';

/** Recovers the credential; throws when the outer HMAC does not check out. */
export function activateInSoftware(ekPrivate: KeyObject, hash: { name: string; size: number }, keyBits: number, name: Buffer, credential: Buffer, secret: Buffer): Buffer {
  const seed = privateDecrypt({ key: ekPrivate, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: hash.name, oaepLabel: IDENTITY_LABEL }, secret);
  const hmacSize = credential.readUInt16BE(0);
  const outerHmac = credential.subarray(2, 2 + hmacSize);
  const encIdentity = credential.subarray(2 + hmacSize);
  const hmacKey = kdfa(hash.name, seed, 'INTEGRITY', Buffer.alloc(0), Buffer.alloc(0), hash.size * 8);
  const expected = createHmac(hash.name, hmacKey).update(encIdentity).update(name).digest();
  if (expected.length !== outerHmac.length || !timingSafeEqual(expected, outerHmac)) throw new Error('integrity check failed');
  const symKey = kdfa(hash.name, seed, 'STORAGE', name, Buffer.alloc(0), keyBits);
  const d = createDecipheriv(`aes-${keyBits}-cfb`, symKey, Buffer.alloc(16));
  const plain = Buffer.concat([d.update(encIdentity), d.final()]);
  return plain.subarray(2, 2 + plain.readUInt16BE(0));
}

/** Splits a tpm2-tools credential file (0xBADCC0DE, version 1, TPM2B credential, TPM2B secret). */
export function splitCredentialFile(file: Buffer): { credential: Buffer; secret: Buffer } {
  if (file.readUInt32BE(0) !== 0xbadcc0de || file.readUInt32BE(4) !== 1) throw new Error('not a tpm2-tools credential file');
  const credLen = file.readUInt16BE(8);
  const credential = file.subarray(10, 10 + credLen);
  const secretLen = file.readUInt16BE(10 + credLen);
  return { credential, secret: file.subarray(12 + credLen, 12 + credLen + secretLen) };
}
