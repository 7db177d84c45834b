import { X509Certificate } from 'node:crypto';
import { Code, SpireError } from '../errors.js';
import { SpiffeId } from '../spiffeid/index.js';

/** How the caller reached the server. */
export type Transport = 'uds' | 'tcp';

/**
 * Who is calling, as far as the transport tells: the admin socket (local) or TCP, the peer
 * address, and the X509-SVID the peer presented (TLS verified it chains to a trusted root).
 */
export interface CallerInfo {
  transport: Transport;
  /** `ip:port` on TCP, the socket path on the admin socket. */
  addr: string;
  /** The IP alone (rate limits are per IP); '' on the admin socket. */
  ip: string;
  /** The presented X509-SVID, when there is one. */
  svid?: CallerSvid;
  /** Set when the call came through the built-in web console: the console user and the browser's address. */
  console?: { user: string; remote: string };
}

/** A presented X509-SVID: its ID, decimal serial number (as SPIRE stores it) and validity. */
export interface CallerSvid {
  id: SpiffeId;
  serialNumber: string;
  notAfter: Date;
  cert: X509Certificate;
}

/** Splits grpc-js's peer string (`1.2.3.4:5`, `[::1]:5`, `ipv6:[::1]:5`) into the IP. */
export function ipFromPeer(peer: string): string {
  let p = peer.replace(/^ipv[46]:/, '');
  if (p.startsWith('[')) return p.slice(1, p.indexOf(']'));
  const i = p.lastIndexOf(':');
  if (i > 0) p = p.slice(0, i);
  return p;
}

/**
 * Reads the SPIFFE ID and serial of a client certificate. Throws UNAUTHENTICATED, with SPIRE's
 * messages, when the certificate has no URI SAN, several, or a malformed one.
 */
export function svidFromDer(der: Buffer): CallerSvid {
  const cert = new X509Certificate(der);
  const uris = (cert.subjectAltName ?? '')
    .split(', ')
    .filter((s) => s.startsWith('URI:'))
    .map((s) => s.slice(4));
  if (uris.length === 0) throw new SpireError(Code.UNAUTHENTICATED, 'client certificate has no URI SAN');
  if (uris.length > 1) throw new SpireError(Code.UNAUTHENTICATED, 'client certificate has more than one URI SAN');
  let id: SpiffeId;
  try {
    id = SpiffeId.parse(uris[0]!);
  } catch (err) {
    throw new SpireError(Code.UNAUTHENTICATED, `client certificate has a malformed URI SAN: ${(err as Error).message}`);
  }
  return { id, serialNumber: BigInt(`0x${cert.serialNumber}`).toString(10), notAfter: new Date(cert.validTo), cert };
}
