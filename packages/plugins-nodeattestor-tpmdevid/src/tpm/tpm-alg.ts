/**
 * The TPM 2.0 algorithm, curve and attribute numbers this attestor reads (TPM 2.0 Part 2,
 * TPM_ALG_ID, TPM_ECC_CURVE and TPMA_OBJECT).
 */
export const TpmAlg = {
  RSA: 0x0001,
  SHA1: 0x0004,
  HMAC: 0x0005,
  AES: 0x0006,
  KEYEDHASH: 0x0008,
  XOR: 0x000a,
  SHA256: 0x000b,
  SHA384: 0x000c,
  SHA512: 0x000d,
  NULL: 0x0010,
  RSASSA: 0x0014,
  RSAES: 0x0015,
  RSAPSS: 0x0016,
  OAEP: 0x0017,
  ECDSA: 0x0018,
  ECDH: 0x0019,
  ECDAA: 0x001a,
  SM2: 0x001b,
  ECSCHNORR: 0x001c,
  KDF1_SP800_56A: 0x0020,
  KDF1_SP800_108: 0x0022,
  ECC: 0x0023,
  SYMCIPHER: 0x0025,
  CFB: 0x0043,
} as const;

/** TPMA_OBJECT bits. */
export const TpmaObject = {
  fixedTPM: 1 << 1,
  stClear: 1 << 2,
  fixedParent: 1 << 4,
  sensitiveDataOrigin: 1 << 5,
  userWithAuth: 1 << 6,
  adminWithPolicy: 1 << 7,
  noDA: 1 << 10,
  encryptedDuplication: 1 << 11,
  restricted: 1 << 16,
  decrypt: 1 << 17,
  sign: 1 << 18,
} as const;

/** The name hashes a TPM may use, by TPM_ALG_ID: node:crypto name and digest size. */
const HASHES: ReadonlyMap<number, { name: string; size: number }> = new Map([
  [TpmAlg.SHA1, { name: 'sha1', size: 20 }],
  [TpmAlg.SHA256, { name: 'sha256', size: 32 }],
  [TpmAlg.SHA384, { name: 'sha384', size: 48 }],
  [TpmAlg.SHA512, { name: 'sha512', size: 64 }],
]);

/** The node:crypto hash of a TPM hash algorithm. Throws Error when the algorithm is not a supported hash. */
export function tpmHash(alg: number): { name: string; size: number } {
  const h = HASHES.get(alg);
  if (!h) throw new Error(`unsupported hash algorithm 0x${hex16(alg)}`);
  return h;
}

/** The JWK curve name of a TPM_ECC_CURVE (NIST P-256, P-384, P-521). */
export const ECC_CURVES: ReadonlyMap<number, { crv: string; size: number }> = new Map([
  [0x0003, { crv: 'P-256', size: 32 }],
  [0x0004, { crv: 'P-384', size: 48 }],
  [0x0005, { crv: 'P-521', size: 66 }],
]);

/** A 16-bit value as 4 lowercase hex digits, the way TPM IDs are written in messages. */
export function hex16(v: number): string {
  return v.toString(16).padStart(4, '0');
}
