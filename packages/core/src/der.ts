/**
 * A minimal DER writer and reader for the certificate hot path. Building a leaf TBSCertificate
 * from pre-encoded parts is several times faster than going through a general ASN.1 schema
 * library, and the bench (`bench/signing`) holds the CA to a ratio against raw ECDSA.
 * Certificate validity and CA flags are read with node:crypto's X509Certificate; everything the CA
 * emits is checked by `openssl verify` / `openssl x509 -text` in the tests.
 */

/** How many bytes the DER length of `n` takes. */
function lenSize(n: number): number {
  return n < 0x80 ? 1 : n < 0x100 ? 2 : n < 0x10000 ? 3 : n < 0x1000000 ? 4 : 5;
}

/** Writes the DER length `n` (taking `size` bytes) at `off`. */
function writeLen(out: Uint8Array, off: number, n: number, size: number): void {
  if (size === 1) {
    out[off] = n;
    return;
  }
  out[off] = 0x80 | (size - 1);
  for (let i = size - 1, v = n; i >= 1; i--, v = Math.floor(v / 256)) out[off + i] = v & 0xff;
}

/** Concatenates byte arrays. */
export function concat(parts: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/** A TLV with the given tag byte around the concatenated content (written once, in place). */
export function tlv(tag: number, ...content: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const c of content) n += c.length;
  const size = lenSize(n);
  const out = new Uint8Array(1 + size + n);
  out[0] = tag;
  writeLen(out, 1, n, size);
  let off = 1 + size;
  for (const c of content) {
    out.set(c, off);
    off += c.length;
  }
  return out;
}

const utf8Encoder = new TextEncoder();

/** UTF-8 bytes of a string. */
export function utf8Bytes(s: string): Uint8Array {
  return utf8Encoder.encode(s);
}

export const seq = (...c: Uint8Array[]): Uint8Array => tlv(0x30, ...c);
export const set = (...c: Uint8Array[]): Uint8Array => tlv(0x31, ...c);
export const octets = (b: Uint8Array): Uint8Array => tlv(0x04, b);
export const bitString = (b: Uint8Array): Uint8Array => tlv(0x03, Uint8Array.of(0), b);
export const nul = (): Uint8Array => Uint8Array.of(0x05, 0x00);
export const bool = (v: boolean): Uint8Array => Uint8Array.of(0x01, 0x01, v ? 0xff : 0x00);
export const utf8 = (s: string): Uint8Array => tlv(0x0c, utf8Bytes(s));
export const printable = (s: string): Uint8Array => tlv(0x13, utf8Bytes(s));
export const ia5 = (s: string): Uint8Array => tlv(0x16, utf8Bytes(s));
/** Context-specific tag `[n]`, constructed. */
export const explicit = (n: number, ...c: Uint8Array[]): Uint8Array => tlv(0xa0 | n, ...c);
/** Context-specific tag `[n]`, primitive (implicit tagging of a primitive value). */
export const implicitPrim = (n: number, b: Uint8Array): Uint8Array => tlv(0x80 | n, b);

/** A non-negative INTEGER from big-endian magnitude bytes. */
export function uint(magnitude: Uint8Array): Uint8Array {
  let i = 0;
  while (i < magnitude.length - 1 && magnitude[i] === 0) i++;
  let m = magnitude.subarray(i);
  if (m.length === 0) m = Uint8Array.of(0);
  if (m[0]! & 0x80) m = concat([Uint8Array.of(0), m]);
  return tlv(0x02, m);
}

/** A small non-negative INTEGER. */
export function smallInt(n: number): Uint8Array {
  const bytes: number[] = [];
  do {
    bytes.unshift(n & 0xff);
    n = Math.floor(n / 256);
  } while (n > 0);
  return uint(Uint8Array.from(bytes));
}

const oidCache = new Map<string, Uint8Array>();

/** An OBJECT IDENTIFIER from dotted form. */
export function oid(dotted: string): Uint8Array {
  const cached = oidCache.get(dotted);
  if (cached) return cached;
  const arcs = dotted.split('.').map((a) => {
    if (!/^\d+$/.test(a)) throw new Error(`invalid OID ${dotted}`);
    return BigInt(a);
  });
  if (arcs.length < 2) throw new Error(`invalid OID ${dotted}`);
  const out: number[] = [];
  const push = (v: bigint) => {
    const b: number[] = [Number(v & 0x7fn)];
    v >>= 7n;
    while (v > 0n) {
      b.unshift(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    out.push(...b);
  };
  push(arcs[0]! * 40n + arcs[1]!);
  for (const a of arcs.slice(2)) push(a);
  const enc = tlv(0x06, Uint8Array.from(out));
  oidCache.set(dotted, enc);
  return enc;
}

/** Decodes OBJECT IDENTIFIER content bytes to dotted form. */
export function decodeOid(content: Uint8Array): string {
  // Arcs are read as numbers while they stay exact; a longer one (UUID arcs under 2.25) as bigint.
  const arcs: number[] = [];
  let v = 0;
  for (const b of content) {
    if (v >= 2 ** 45) return decodeOidBig(content);
    v = v * 128 + (b & 0x7f);
    if ((b & 0x80) === 0) {
      arcs.push(v);
      v = 0;
    }
  }
  const first = arcs.shift() ?? 0;
  const a0 = first < 80 ? Math.floor(first / 40) : 2;
  return [a0, first - a0 * 40, ...arcs].join('.');
}

function decodeOidBig(content: Uint8Array): string {
  const arcs: bigint[] = [];
  let v = 0n;
  for (const b of content) {
    v = (v << 7n) | BigInt(b & 0x7f);
    if ((b & 0x80) === 0) {
      arcs.push(v);
      v = 0n;
    }
  }
  const first = arcs.shift() ?? 0n;
  const a0 = first < 80n ? first / 40n : 2n;
  return [a0, first - a0 * 40n, ...arcs].join('.');
}

function twoDigits(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** UTCTime for years 1950–2049, GeneralizedTime otherwise (RFC 5280 4.1.2.5). */
export function time(d: Date): Uint8Array {
  const y = d.getUTCFullYear();
  const rest =
    twoDigits(d.getUTCMonth() + 1) +
    twoDigits(d.getUTCDate()) +
    twoDigits(d.getUTCHours()) +
    twoDigits(d.getUTCMinutes()) +
    twoDigits(d.getUTCSeconds()) +
    'Z';
  if (y >= 1950 && y < 2050) return tlv(0x17, utf8Bytes(twoDigits(y % 100) + rest));
  return tlv(0x18, utf8Bytes(String(y).padStart(4, '0') + rest));
}

/** One decoded TLV: tag, content and the whole encoding. */
export interface Tlv {
  tag: number;
  content: Uint8Array;
  raw: Uint8Array;
}

/** Reads one TLV at `off`. Throws on truncated or indefinite-length input. */
export function readTlv(buf: Uint8Array, off = 0): Tlv {
  if (off + 2 > buf.length) throw new Error('truncated DER');
  const tag = buf[off]!;
  if ((tag & 0x1f) === 0x1f) throw new Error('multi-byte DER tags are not supported');
  let l = buf[off + 1]!;
  let p = off + 2;
  if (l & 0x80) {
    const n = l & 0x7f;
    if (n === 0 || n > 4) throw new Error('unsupported DER length');
    l = 0;
    for (let i = 0; i < n; i++) {
      if (p >= buf.length) throw new Error('truncated DER');
      l = l * 256 + buf[p++]!;
    }
  }
  if (p + l > buf.length) throw new Error('truncated DER');
  return { tag, content: buf.subarray(p, p + l), raw: buf.subarray(off, p + l) };
}

/** The TLVs inside a constructed value's content. */
export function children(content: Uint8Array): Tlv[] {
  const out: Tlv[] = [];
  let off = 0;
  while (off < content.length) {
    const t = readTlv(content, off);
    out.push(t);
    off += t.raw.length;
  }
  return out;
}
