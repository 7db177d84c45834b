import { hex16 } from './tpm-alg.js';
import { TpmReader } from './tpm-reader.js';

/** TPM_GENERATED_VALUE: the magic every TPMS_ATTEST the TPM signs starts with. */
export const TPM_GENERATED_VALUE = 0xff544347;
/** TPM_ST_ATTEST_CERTIFY: the structure tag of a TPM2_Certify result. */
export const TPM_ST_ATTEST_CERTIFY = 0x8017;

/** A decoded TPMS_ATTEST of type TPM_ST_ATTEST_CERTIFY. */
export interface TpmCertifyInfo {
  qualifiedSigner: Buffer;
  extraData: Buffer;
  clock: bigint;
  resetCount: number;
  restartCount: number;
  safe: number;
  firmwareVersion: bigint;
  /** The Name of the certified object. */
  name: Buffer;
  qualifiedName: Buffer;
}

/**
 * Decodes a TPMS_ATTEST produced by TPM2_Certify. Throws Error when the magic is not
 * TPM_GENERATED_VALUE, the type is not TPM_ST_ATTEST_CERTIFY, the bytes are truncated or bytes
 * follow the structure (a TPM never produces any of these).
 */
export function decodeCertifyAttest(bytes: Uint8Array): TpmCertifyInfo {
  const r = new TpmReader(Buffer.from(bytes));
  const magic = r.u32('magic');
  if (magic !== TPM_GENERATED_VALUE) throw new Error(`attestation magic is 0x${magic.toString(16).padStart(8, '0')}, not TPM_GENERATED_VALUE`);
  const type = r.u16('type');
  if (type !== TPM_ST_ATTEST_CERTIFY) throw new Error(`attestation type is 0x${hex16(type)}, not TPM_ST_ATTEST_CERTIFY`);
  const qualifiedSigner = r.tpm2b('qualified signer');
  const extraData = r.tpm2b('extra data');
  const clock = r.u64('clock');
  const resetCount = r.u32('reset count');
  const restartCount = r.u32('restart count');
  const safe = r.u8('safe');
  const firmwareVersion = r.u64('firmware version');
  const name = r.tpm2b('certified name');
  const qualifiedName = r.tpm2b('certified qualified name');
  r.end('attestation');
  return { qualifiedSigner, extraData, clock, resetCount, restartCount, safe, firmwareVersion, name, qualifiedName };
}
