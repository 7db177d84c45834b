import { createHash } from 'node:crypto';
import { tpmHash } from './tpm-alg.js';
import type { TpmPublic } from './tpm-public.js';

/**
 * The TPM Name of an object: its nameAlg (UINT16) followed by the nameAlg digest of its
 * marshalled TPMT_PUBLIC. Throws Error when the nameAlg is not a supported hash.
 */
export function tpmName(pub: TpmPublic): Buffer {
  const h = tpmHash(pub.nameAlg);
  const alg = Buffer.alloc(2);
  alg.writeUInt16BE(pub.nameAlg);
  return Buffer.concat([alg, createHash(h.name).update(pub.raw).digest()]);
}
