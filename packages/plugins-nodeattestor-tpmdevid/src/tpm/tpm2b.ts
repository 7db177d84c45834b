/** Marshals bytes as a TPM2B: a big-endian UINT16 size, then the bytes. Throws RangeError above 65535 bytes. */
export function tpm2b(b: Uint8Array): Buffer {
  const size = Buffer.alloc(2);
  size.writeUInt16BE(b.length);
  return Buffer.concat([size, b]);
}
