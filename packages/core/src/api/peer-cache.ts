import type { TLSSocket } from 'node:tls';
import { Code, SpireError } from '../errors.js';
import { svidFromDer, type CallerSvid } from './caller.js';
import { verifiedPeerChain } from './tls.js';

/** What a verified TLS client presented: its X509-SVID and the trust anchor its chain reached. */
export interface VerifiedPeer {
  svid: CallerSvid;
  /** Node's `fingerprint256` of the root the chain was verified against. */
  anchorFingerprint256: string;
}

/**
 * Per connection: the leaf's exact bytes, what was read from its chain, and whether renegotiation
 * was turned off (then the leaf cannot change and is not compared again).
 */
const byConnection = new WeakMap<TLSSocket, { leaf: Buffer; peer: VerifiedPeer; pinned: boolean }>();

/**
 * The X509-SVID of a verified TLS client, read from its chain once per connection rather than on
 * every call. A cached answer is used only while the connection is still authorized; the caller
 * still checks expiry and roots on every call. Renegotiation is turned off on the connection when
 * it is cached (HTTP/2 forbids it, and SPIRE's Go server has none), so the leaf behind a cached
 * answer cannot change: a renegotiation attempt fails the connection. Only a socket that cannot
 * turn renegotiation off has its leaf bytes compared on every call (reading the peer certificate
 * costs more than the rest of a small call's identification). Undefined when the client sent no
 * certificate or it did not verify; throws what `svidFromDer` throws.
 */
export function verifiedPeer(sock: TLSSocket): VerifiedPeer | undefined {
  if (!sock.authorized) return undefined;
  const hit = byConnection.get(sock);
  if (hit && (hit.pinned || sock.getPeerX509Certificate()?.raw.equals(hit.leaf))) return hit.peer;
  const chain = verifiedPeerChain(sock);
  if (!chain) return undefined;
  const peer: VerifiedPeer = { svid: svidFromDer(chain[0]!.raw), anchorFingerprint256: chain[chain.length - 1]!.fingerprint256 };
  let pinned = false;
  if (typeof sock.disableRenegotiation === 'function') {
    sock.disableRenegotiation();
    pinned = true;
  }
  byConnection.set(sock, { leaf: chain[0]!.raw, peer, pinned });
  return peer;
}

/**
 * A connection whose client chain was verified, at its handshake, against a root that is no
 * longer trusted at all (revoked since): the caller should connect again, and a new handshake
 * decides who it is.
 */
export class StalePeerError extends SpireError {
  constructor(trustDomain: string) {
    super(Code.UNAVAILABLE, `the root this connection was verified against is no longer trusted for trust domain "${trustDomain}"; connect again`);
    this.name = 'StalePeerError';
  }
}

/**
 * The X509-SVID of a verified TLS client whose chain reached a root of its own trust domain
 * (`rootsFor(td)`: fingerprints as Node's `fingerprint256`), so that one trust domain's CA cannot
 * vouch for another's IDs. Undefined when the client presented no verified certificate. Throws
 * UNAUTHENTICATED when it chains to another trust domain's root; {@link StalePeerError} when the
 * root it reached is no longer trusted at all (`isTrusted`: any trust domain's current roots);
 * and what `svidFromDer` throws.
 */
export function trustedPeerSvid(
  sock: TLSSocket,
  rootsFor: ((td: string) => ReadonlySet<string>) | undefined,
  isTrusted?: (fingerprint256: string) => boolean,
): CallerSvid | undefined {
  const verified = verifiedPeer(sock);
  if (!verified) return undefined;
  const { svid } = verified;
  if (!rootsFor?.(svid.id.trustDomain.name).has(verified.anchorFingerprint256)) {
    if (isTrusted && !isTrusted(verified.anchorFingerprint256)) throw new StalePeerError(svid.id.trustDomain.name);
    throw new SpireError(Code.UNAUTHENTICATED, `client certificate does not chain to a root of trust domain "${svid.id.trustDomain.name}"`);
  }
  return svid;
}
