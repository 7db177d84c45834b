import { hex16, TpmAlg } from './tpm-alg.js';
import { TpmReader } from './tpm-reader.js';

/** A decoded TPMT_SIGNATURE: an RSA signature (RSASSA, RSAPSS) or an ECC one (r, s). */
export interface TpmSignature {
  sigAlg: number;
  hashAlg: number;
  /** RSASSA / RSAPSS: the signature bytes. */
  rsa?: Buffer;
  /** ECDSA: the two integers, big-endian. */
  ecc?: { r: Buffer; s: Buffer };
}

/**
 * Decodes a TPMT_SIGNATURE (no size prefix). Throws Error when the bytes are truncated, followed
 * by trailing data, or use a scheme other than RSASSA, RSAPSS or ECDSA.
 */
export function decodeSignature(bytes: Uint8Array): TpmSignature {
  const r = new TpmReader(Buffer.from(bytes));
  const sigAlg = r.u16('signature algorithm');
  let out: TpmSignature;
  if (sigAlg === TpmAlg.RSASSA || sigAlg === TpmAlg.RSAPSS) {
    const hashAlg = r.u16('signature hash');
    out = { sigAlg, hashAlg, rsa: r.tpm2b('RSA signature') };
  } else if (sigAlg === TpmAlg.ECDSA) {
    const hashAlg = r.u16('signature hash');
    out = { sigAlg, hashAlg, ecc: { r: r.tpm2b('ECDSA r'), s: r.tpm2b('ECDSA s') } };
  } else {
    throw new Error(`unsupported signature algorithm 0x${hex16(sigAlg)}`);
  }
  r.end('signature');
  return out;
}
