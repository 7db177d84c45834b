/**
 * A minimal protobuf wire-format writer and reader, enough for the few SPIRE messages the SQL
 * store keeps in columns (spire.common.Bundle, RegistrationEntry.AdditionalAttributes, the CA
 * journal's not_after fields). proto3 rules: zero values are not written; unknown fields are
 * skipped by the reader and can be kept raw by the caller.
 */

/** Wire types used here. */
export const VARINT = 0;
export const I64 = 1;
export const LEN = 2;
export const I32 = 5;

/** Appends fields to a growing buffer. Not reusable after `finish()`. */
export class ProtoWriter {
  private readonly parts: Buffer[] = [];

  private tag(field: number, wire: number): void {
    this.rawVarint(BigInt(field * 8 + wire));
  }

  private rawVarint(v: bigint): void {
    const bytes: number[] = [];
    let x = BigInt.asUintN(64, v);
    while (x >= 0x80n) {
      bytes.push(Number(x & 0x7fn) | 0x80);
      x >>= 7n;
    }
    bytes.push(Number(x));
    this.parts.push(Buffer.from(bytes));
  }

  /** An int64/uint64/int32/bool/enum field; skipped when zero. Negative numbers use 10 bytes, as protobuf does. */
  varint(field: number, v: number | bigint | boolean): this {
    const n = typeof v === 'boolean' ? (v ? 1n : 0n) : BigInt(v);
    if (n === 0n) return this;
    this.tag(field, VARINT);
    this.rawVarint(n);
    return this;
  }

  /** A bytes field; skipped when empty unless `always` (repeated bytes). */
  bytes(field: number, v: Uint8Array, always = false): this {
    if (v.length === 0 && !always) return this;
    this.tag(field, LEN);
    this.rawVarint(BigInt(v.length));
    this.parts.push(Buffer.from(v.buffer, v.byteOffset, v.byteLength));
    return this;
  }

  /** A string field; skipped when empty. */
  string(field: number, v: string): this {
    return this.bytes(field, Buffer.from(v, 'utf8'));
  }

  /** An embedded message (always written, as for repeated message elements). */
  message(field: number, encoded: Uint8Array): this {
    return this.bytes(field, encoded, true);
  }

  /** Already-encoded field bytes (tag included), written as they are. */
  raw(fieldBytes: Uint8Array): this {
    this.parts.push(Buffer.from(fieldBytes));
    return this;
  }

  finish(): Buffer {
    return Buffer.concat(this.parts);
  }
}

/** One decoded field: its number, wire type, value and the raw bytes it occupied (tag included). */
export interface ProtoField {
  field: number;
  wire: number;
  /** VARINT, I64 and I32 values (I64/I32 as unsigned). */
  int: bigint;
  /** LEN payload. */
  bytes: Uint8Array;
  raw: Uint8Array;
}

function readVarint(buf: Uint8Array, pos: number): [bigint, number] {
  let out = 0n;
  let shift = 0n;
  for (let i = 0; i < 10; i++) {
    if (pos >= buf.length) throw new Error('truncated varint');
    const byte = buf[pos++]!;
    out |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return [out, pos];
    shift += 7n;
  }
  throw new Error('varint longer than 10 bytes');
}

/** Every field of a message, in order. Throws Error on malformed input. */
export function readFields(buf: Uint8Array): ProtoField[] {
  const out: ProtoField[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const start = pos;
    const [tag, p] = readVarint(buf, pos);
    pos = p;
    const field = Number(tag >> 3n);
    const wire = Number(tag & 7n);
    let int = 0n;
    let bytes: Uint8Array = new Uint8Array(0);
    if (wire === VARINT) [int, pos] = readVarint(buf, pos);
    else if (wire === I64 || wire === I32) {
      const n = wire === I64 ? 8 : 4;
      if (pos + n > buf.length) throw new Error('truncated fixed field');
      for (let i = n - 1; i >= 0; i--) int = (int << 8n) | BigInt(buf[pos + i]!);
      pos += n;
    } else if (wire === LEN) {
      const [len, q] = readVarint(buf, pos);
      const end = q + Number(len);
      if (end > buf.length) throw new Error('truncated length-delimited field');
      bytes = buf.subarray(q, end);
      pos = end;
    } else throw new Error(`unsupported wire type ${wire}`);
    if (field === 0) throw new Error('field number 0');
    out.push({ field, wire, int, bytes, raw: buf.subarray(start, pos) });
  }
  return out;
}

/** An int64 field value as a JS number (two's complement for negatives). */
export function int64(v: bigint): number {
  return Number(BigInt.asIntN(64, v));
}

/** A uint64 field value as a JS number. */
export function uint64(v: bigint): number {
  return Number(BigInt.asUintN(64, v));
}
