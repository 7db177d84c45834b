import { constants, verify } from 'node:crypto';
import { decodeCertifyAttest } from './tpm/tpm-attest.js';
import { TpmAlg, TpmaObject, tpmHash } from './tpm/tpm-alg.js';
import { tpmName } from './tpm/tpm-name.js';
import { decodeSignature } from './tpm/tpm-signature.js';
import { hasAttributes, publicKeyOf, type TpmPublic } from './tpm/tpm-public.js';

/** The attributes of an attestation key: a restricted signing key that never leaves its TPM. */
export const AK_ATTRIBUTES = TpmaObject.restricted | TpmaObject.sign | TpmaObject.fixedTPM | TpmaObject.fixedParent;
/** The attributes of a DevID key: created inside the TPM and never leaving it. */
export const DEVID_ATTRIBUTES = TpmaObject.fixedTPM | TpmaObject.fixedParent | TpmaObject.sensitiveDataOrigin;

/**
 * Checks that the AK certified the DevID key (TPM2_Certify): the AK is an RSA restricted signing
 * key bound to its TPM (restricted, sign, fixedTPM, fixedParent, not decrypt), the DevID key is
 * bound to its TPM (fixedTPM, fixedParent, sensitiveDataOrigin), the TPMT_SIGNATURE is the AK's
 * RSASSA scheme signature over the TPMS_ATTEST, and the attested Name is the DevID key's Name.
 * Throws Error with the reason.
 */
export function verifyCertification(ak: TpmPublic, devId: TpmPublic, attest: Buffer, signature: Buffer): void {
  if (!hasAttributes(ak, AK_ATTRIBUTES) || hasAttributes(ak, TpmaObject.decrypt)) {
    throw new Error('attestation key is not a restricted signing key (restricted, sign, fixedTPM, fixedParent and not decrypt)');
  }
  if (!hasAttributes(devId, DEVID_ATTRIBUTES)) {
    throw new Error('DevID key is not bound to the TPM (fixedTPM, fixedParent and sensitiveDataOrigin)');
  }
  if (ak.type !== TpmAlg.RSA) throw new Error('only RSA keys are supported');
  if (ak.scheme.scheme !== TpmAlg.RSASSA) throw new Error('attestation key has no RSASSA signing scheme');
  const hash = tpmHash(ak.scheme.hashAlg);
  const sig = decodeSignature(signature);
  if (sig.sigAlg !== TpmAlg.RSASSA || sig.hashAlg !== ak.scheme.hashAlg) {
    throw new Error('certification signature does not use the attestation key scheme');
  }
  const ok = verify(hash.name, attest, { key: publicKeyOf(ak), padding: constants.RSA_PKCS1_PADDING }, sig.rsa!);
  if (!ok) throw new Error('crypto/rsa: verification error');
  const info = decodeCertifyAttest(attest);
  if (!info.name.equals(tpmName(devId))) throw new Error('certify failed');
}
