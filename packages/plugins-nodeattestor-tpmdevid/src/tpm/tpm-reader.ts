/**
 * A bounds-checked big-endian reader over a TPM marshalled structure. Every read throws Error
 * naming the field when the bytes run out, so a truncated structure never reads past its end.
 * Not safe to share between two decodes.
 */
export class TpmReader {
  private pos = 0;

  constructor(private readonly buf: Buffer) {}

  private take(n: number, what: string): Buffer {
    if (this.pos + n > this.buf.length) throw new Error(`${what}: unexpected end of data`);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** Reads a UINT8. */
  u8(what: string): number {
    return this.take(1, what).readUInt8(0);
  }

  /** Reads a UINT16. */
  u16(what: string): number {
    return this.take(2, what).readUInt16BE(0);
  }

  /** Reads a UINT32. */
  u32(what: string): number {
    return this.take(4, what).readUInt32BE(0);
  }

  /** Reads a UINT64. */
  u64(what: string): bigint {
    return this.take(8, what).readBigUInt64BE(0);
  }

  /** Reads a TPM2B: a UINT16 size and that many bytes (a copy). */
  tpm2b(what: string): Buffer {
    const n = this.u16(what);
    return Buffer.from(this.take(n, what));
  }

  /** Throws Error when bytes are left after the structure (`what` names it). */
  end(what: string): void {
    if (this.pos !== this.buf.length) throw new Error(`${what}: ${this.buf.length - this.pos} trailing bytes`);
  }
}
