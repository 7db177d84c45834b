import { createHmac } from 'node:crypto';

/**
 * KDFa (TPM 2.0 Part 1 §11.4.10.2): SP800-108 counter-mode KDF with HMAC-`hash`. Each block is
 * HMAC(key, BE32(i) || label || 0x00 || contextU || contextV || BE32(bits)) for i = 1, 2, …; the
 * result is truncated to `bits` (a whole number of bytes here). Throws Error for a bit count that
 * is not a positive multiple of 8.
 */
export function kdfa(hash: string, key: Uint8Array, label: string, contextU: Uint8Array, contextV: Uint8Array, bits: number): Buffer {
  if (!Number.isInteger(bits) || bits <= 0 || bits % 8 !== 0) throw new Error(`KDFa: bit count ${bits} is not a positive multiple of 8`);
  const want = bits / 8;
  const tail = Buffer.alloc(4);
  tail.writeUInt32BE(bits);
  const labelBytes = Buffer.concat([Buffer.from(label, 'latin1'), Buffer.from([0])]);
  const blocks: Buffer[] = [];
  let have = 0;
  for (let i = 1; have < want; i++) {
    const counter = Buffer.alloc(4);
    counter.writeUInt32BE(i);
    const block = createHmac(hash, key).update(counter).update(labelBytes).update(contextU).update(contextV).update(tail).digest();
    blocks.push(block);
    have += block.length;
  }
  return Buffer.concat(blocks).subarray(0, want);
}
