/**
 * Test-only encoders for TPM structures, written from TPM 2.0 Part 2 so the decoders are tested
 * against an independent writer, and so tests can make structures a real TPM refuses to make.
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { TpmAlg, TpmaObject } from './tpm-alg.js';
import { TPM_GENERATED_VALUE, TPM_ST_ATTEST_CERTIFY } from './tpm-attest.js';
import { tpm2b } from './tpm2b.js';

export const u16 = (v: number) => Buffer.from([v >> 8, v & 0xff]);
export const u32 = (v: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(v >>> 0);
  return b;
};
export { tpm2b };

/** The TCG default EK template's attributes (fixedTPM, fixedParent, sensitiveDataOrigin, adminWithPolicy, restricted, decrypt). */
export const EK_ATTRIBUTES =
  TpmaObject.fixedTPM | TpmaObject.fixedParent | TpmaObject.sensitiveDataOrigin | TpmaObject.adminWithPolicy | TpmaObject.restricted | TpmaObject.decrypt;
export const AK_ATTRS = TpmaObject.fixedTPM | TpmaObject.fixedParent | TpmaObject.sensitiveDataOrigin | TpmaObject.userWithAuth | TpmaObject.restricted | TpmaObject.sign;
export const DEVID_ATTRS = TpmaObject.fixedTPM | TpmaObject.fixedParent | TpmaObject.sensitiveDataOrigin | TpmaObject.userWithAuth | TpmaObject.sign;

/** A TPMT_PUBLIC for an RSA key (exponent written as 0, meaning 65537). */
export function rsaPublic(key: KeyObject, o: { attributes: number; nameAlg?: number; scheme?: number; schemeHash?: number; aes?: boolean }): Buffer {
  const n = Buffer.from(key.export({ format: 'jwk' }).n!, 'base64url');
  const sym = o.aes ? Buffer.concat([u16(TpmAlg.AES), u16(128), u16(TpmAlg.CFB)]) : u16(TpmAlg.NULL);
  const scheme = o.scheme === undefined || o.scheme === TpmAlg.NULL ? u16(TpmAlg.NULL) : Buffer.concat([u16(o.scheme), u16(o.schemeHash ?? TpmAlg.SHA256)]);
  return Buffer.concat([
    u16(TpmAlg.RSA), u16(o.nameAlg ?? TpmAlg.SHA256), u32(o.attributes), tpm2b(Buffer.alloc(0)),
    sym, scheme, u16(n.length * 8), u32(0), tpm2b(n),
  ]);
}

/** A TPMT_PUBLIC for a P-256 ECDSA key. */
export function eccPublic(key: KeyObject, attributes: number): Buffer {
  const jwk = key.export({ format: 'jwk' });
  return Buffer.concat([
    u16(TpmAlg.ECC), u16(TpmAlg.SHA256), u32(attributes), tpm2b(Buffer.alloc(0)),
    u16(TpmAlg.NULL), u16(TpmAlg.ECDSA), u16(TpmAlg.SHA256), u16(0x0003), u16(TpmAlg.NULL),
    tpm2b(Buffer.from(jwk.x!, 'base64url')), tpm2b(Buffer.from(jwk.y!, 'base64url')),
  ]);
}

/** A TPMS_ATTEST of a TPM2_Certify over the object named `name`. */
export function certifyAttest(name: Buffer, o: { magic?: number; type?: number } = {}): Buffer {
  return Buffer.concat([
    u32(o.magic ?? TPM_GENERATED_VALUE), u16(o.type ?? TPM_ST_ATTEST_CERTIFY), tpm2b(Buffer.from('000b' + '11'.repeat(32), 'hex')), tpm2b(Buffer.alloc(0)),
    Buffer.alloc(8, 1), u32(2), u32(3), Buffer.from([1]), Buffer.alloc(8, 4), tpm2b(name), tpm2b(Buffer.from('000b' + '22'.repeat(32), 'hex')),
  ]);
}

/** A TPMT_SIGNATURE with an RSASSA signature. */
export function rsassaSignature(sig: Buffer, hashAlg: number = TpmAlg.SHA256, sigAlg: number = TpmAlg.RSASSA): Buffer {
  return Buffer.concat([u16(sigAlg), u16(hashAlg), tpm2b(sig)]);
}

/** A fresh RSA-2048 key pair. */
export function rsaKeys(): { publicKey: KeyObject; privateKey: KeyObject } {
  return generateKeyPairSync('rsa', { modulusLength: 2048 });
}
