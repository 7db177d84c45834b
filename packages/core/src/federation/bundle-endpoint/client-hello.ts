import type { ClientHelloInfo } from './identity.js';

/** The most ClientHello bytes read before a handshake is refused (records included). */
export const MAX_CLIENT_HELLO_BYTES = 16 * 1024 + 5 * 4;

const RECORD_HANDSHAKE = 0x16;
const HANDSHAKE_CLIENT_HELLO = 1;
const EXT_SERVER_NAME = 0;
const EXT_ALPN = 16;

/** A byte reader over one ClientHello body; every read past the end throws. */
class Reader {
  private off = 0;
  constructor(private readonly b: Buffer) {}
  u8(): number {
    return this.take(1)[0]!;
  }
  u16(): number {
    return this.take(2).readUInt16BE(0);
  }
  take(n: number): Buffer {
    if (this.off + n > this.b.length) throw new Error('truncated ClientHello');
    const out = this.b.subarray(this.off, this.off + n);
    this.off += n;
    return out;
  }
  vector(lenBytes: 1 | 2): Buffer {
    return this.take(lenBytes === 1 ? this.u8() : this.u16());
  }
  get done(): boolean {
    return this.off >= this.b.length;
  }
}

/**
 * Reads the SNI host name and the ALPN protocols from the start of a TLS connection: `buf` holds
 * the bytes received so far. Answers 'incomplete' until the whole ClientHello has arrived (it may
 * span several reads and several TLS records). Throws when the bytes are not a TLS ClientHello.
 */
export function parseClientHello(buf: Buffer): ClientHelloInfo | 'incomplete' {
  // Gather the handshake bytes of consecutive handshake records.
  const parts: Buffer[] = [];
  let have = 0;
  let off = 0;
  let need = -1;
  while (need < 0 || have < need) {
    if (off + 5 > buf.length) return 'incomplete';
    if (buf[off] !== RECORD_HANDSHAKE) throw new Error('not a TLS handshake record');
    const len = buf.readUInt16BE(off + 3);
    if (len === 0) throw new Error('empty TLS record');
    if (off + 5 + len > buf.length) return 'incomplete';
    parts.push(buf.subarray(off + 5, off + 5 + len));
    have += len;
    off += 5 + len;
    if (need < 0 && have >= 4) {
      const head = Buffer.concat(parts).subarray(0, 4);
      if (head[0] !== HANDSHAKE_CLIENT_HELLO) throw new Error('the first handshake message is not a ClientHello');
      need = 4 + head.readUIntBE(1, 3);
      if (need > MAX_CLIENT_HELLO_BYTES) throw new Error('ClientHello too large');
    }
  }
  const r = new Reader(Buffer.concat(parts).subarray(4, need));
  r.take(2 + 32); // legacy_version, random
  r.vector(1); // legacy_session_id
  r.vector(2); // cipher_suites
  r.vector(1); // legacy_compression_methods
  const info: ClientHelloInfo = { alpnProtocols: [] };
  if (r.done) return info;
  const exts = new Reader(r.vector(2));
  while (!exts.done) {
    const type = exts.u16();
    const data = new Reader(exts.vector(2));
    if (type === EXT_SERVER_NAME) {
      const names = new Reader(data.vector(2));
      while (!names.done) {
        const kind = names.u8();
        const name = names.vector(2);
        if (kind === 0) info.serverName = name.toString('latin1').toLowerCase();
      }
    } else if (type === EXT_ALPN) {
      const list = new Reader(data.vector(2));
      while (!list.done) info.alpnProtocols.push(list.vector(1).toString('latin1'));
    }
  }
  return info;
}
