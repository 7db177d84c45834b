/**
 * A reader of the first TLS ClientHello on a connection: the SNI host name and the ALPN list,
 * which the bundle endpoint needs before it can choose a certificate (Node's SNICallback cannot
 * see ALPN, and ALPNCallback cannot change the certificate).
 */

/** What {@link parseClientHello} reads from a ClientHello. */
export interface ParsedClientHello {
  /** The SNI host name (host_name entry), lower-cased; undefined when the client sent none. */
  serverName?: string;
  /** The ALPN protocols offered, in the client's order; empty when the extension is absent. */
  alpnProtocols: string[];
}

/** The largest ClientHello accepted, so a peer cannot make the reader buffer without bound. */
export const MAX_CLIENT_HELLO_BYTES = 64 * 1024;

const RECORD_HANDSHAKE = 22;
const HANDSHAKE_CLIENT_HELLO = 1;
const EXT_SERVER_NAME = 0;
const EXT_ALPN = 16;

/** A malformed or oversized ClientHello: the connection should be closed. */
export class ClientHelloError extends Error {
  constructor(detail: string) {
    super(`invalid TLS ClientHello: ${detail}`);
    this.name = 'ClientHelloError';
  }
}

/**
 * Joins the handshake fragments of the TLS records at the start of `buf`, until the
 * ClientHello message is whole. Returns undefined when more bytes are needed.
 */
function handshakeMessage(buf: Uint8Array): Uint8Array | undefined {
  const parts: Uint8Array[] = [];
  let have = 0;
  let need = -1;
  for (let off = 0; ; ) {
    if (need >= 0 && have >= need) break;
    if (buf.length < off + 5) return undefined;
    if (buf[off] !== RECORD_HANDSHAKE) throw new ClientHelloError('not a TLS handshake record');
    if (buf[off + 1] !== 3) throw new ClientHelloError('unsupported record version');
    const len = (buf[off + 3]! << 8) | buf[off + 4]!;
    if (len === 0) throw new ClientHelloError('empty handshake record');
    if (buf.length < off + 5 + len) return undefined;
    parts.push(buf.subarray(off + 5, off + 5 + len));
    have += len;
    off += 5 + len;
    if (need < 0 && have >= 4) {
      const head = Buffer.concat(parts);
      if (head[0] !== HANDSHAKE_CLIENT_HELLO) throw new ClientHelloError('first handshake message is not a ClientHello');
      need = 4 + ((head[1]! << 16) | (head[2]! << 8) | head[3]!);
      if (need > MAX_CLIENT_HELLO_BYTES) throw new ClientHelloError('ClientHello too large');
    }
  }
  return Buffer.concat(parts).subarray(0, need);
}

/** A bounds-checked cursor over one vector of the message. */
class Reader {
  constructor(
    private readonly b: Uint8Array,
    private off = 0,
    private readonly end = b.length,
  ) {}

  get done(): boolean {
    return this.off >= this.end;
  }

  private take(n: number): Uint8Array {
    if (this.off + n > this.end) throw new ClientHelloError('truncated field');
    const v = this.b.subarray(this.off, this.off + n);
    this.off += n;
    return v;
  }

  u8(): number {
    return this.take(1)[0]!;
  }

  u16(): number {
    const v = this.take(2);
    return (v[0]! << 8) | v[1]!;
  }

  skip(n: number): void {
    this.take(n);
  }

  /** A length-prefixed vector (length of `lenBytes` bytes) as a reader of its own. */
  vector(lenBytes: 1 | 2): Reader {
    const n = lenBytes === 1 ? this.u8() : this.u16();
    const start = this.off;
    this.take(n);
    return new Reader(this.b, start, start + n);
  }
}

function readServerName(r: Reader): string | undefined {
  const list = r.vector(2);
  while (!list.done) {
    const type = list.u8();
    const name = list.vector(2);
    const raw: number[] = [];
    while (!name.done) raw.push(name.u8());
    if (type === 0) return Buffer.from(raw).toString('latin1').toLowerCase();
  }
  return undefined;
}

function readAlpn(r: Reader): string[] {
  const list = r.vector(2);
  const out: string[] = [];
  while (!list.done) {
    const p = list.vector(1);
    const raw: number[] = [];
    while (!p.done) raw.push(p.u8());
    out.push(Buffer.from(raw).toString('latin1'));
  }
  return out;
}

/**
 * Reads SNI and ALPN from the bytes a client sent first. `buf` is everything received so far;
 * the ClientHello may be split across TLS records and across reads.
 *
 * @returns the parsed fields, or `'incomplete'` when more bytes are needed (call again with the
 *   longer buffer). Safe to call repeatedly; it keeps no state.
 * @throws ClientHelloError when the bytes are not a TLS ClientHello, are malformed, or the
 *   ClientHello exceeds {@link MAX_CLIENT_HELLO_BYTES}.
 */
export function parseClientHello(buf: Uint8Array): ParsedClientHello | 'incomplete' {
  const msg = handshakeMessage(buf);
  if (!msg) return 'incomplete';
  const r = new Reader(msg, 4);
  r.skip(2 + 32); // legacy_version, random
  r.vector(1); // session id
  r.vector(2); // cipher suites
  r.vector(1); // compression methods
  const result: ParsedClientHello = { alpnProtocols: [] };
  if (r.done) return result;
  const exts = r.vector(2);
  while (!exts.done) {
    const type = exts.u16();
    const body = exts.vector(2);
    if (type === EXT_SERVER_NAME) {
      const name = readServerName(body);
      if (name !== undefined) result.serverName = name;
    } else if (type === EXT_ALPN) {
      result.alpnProtocols = readAlpn(body);
    }
  }
  return result;
}
