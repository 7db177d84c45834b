import { constants as cryptoConstants, X509Certificate } from 'node:crypto';
import type { DetailedPeerCertificate, TLSSocket } from 'node:tls';
import * as grpc from '@grpc/grpc-js';

/** What the TCP listener presents and trusts. */
export interface TlsMaterial {
  /** The server's X509-SVID chain, PEM, leaf first. */
  certChainPem: string;
  privateKeyPem: string;
  /** Roots clients' SVIDs may chain to (local bundle and federated admin trust domains), DER. */
  trustedRoots: Uint8Array[];
}

/** Any grpc-js server call object. */
export type AnyServerCall = grpc.ServerUnaryCall<unknown, unknown> | grpc.ServerWritableStream<unknown, unknown> | grpc.ServerDuplexStream<unknown, unknown>;

function toPem(der: Uint8Array): string {
  const b64 = Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n');
  return `-----BEGIN CERTIFICATE-----\n${b64}${b64.endsWith('\n') ? '' : '\n'}-----END CERTIFICATE-----\n`;
}

function contextOptions(m: TlsMaterial) {
  return {
    cert: m.certChainPem,
    key: m.privateKeyPem,
    // An empty list would make Node fall back to the system roots.
    ca: m.trustedRoots.length > 0 ? m.trustedRoots.map(toPem) : [toPem(new X509Certificate(m.certChainPem).raw)],
    // SPIRE disables session tickets so a revoked or banned SVID cannot resume a session.
    secureOptions: cryptoConstants.SSL_OP_NO_TICKET,
    minVersion: 'TLSv1.2' as const,
  };
}

/**
 * Server credentials for the TCP listener: TLS with the server's X509-SVID, client certificates
 * requested but optional (callers without one are still served the open methods), session
 * tickets off, and hot replacement of the SVID and trusted roots with `update`.
 */
export class SvidServerCredentials extends grpc.ServerCredentials {
  constructor(m: TlsMaterial) {
    super({ requestCert: true, rejectUnauthorized: false }, contextOptions(m));
  }

  /** Replaces the SVID and trusted roots for new connections. Safe to call any time. */
  update(m: TlsMaterial): void {
    this.updateSecureContextOptions(contextOptions(m));
  }

  _equals(other: grpc.ServerCredentials): boolean {
    return other === this;
  }
}

/**
 * The TLS socket under a grpc-js server call, when there is one. grpc-js hides it; the chain a
 * client presented is only available there (its auth context carries the leaf alone). Returns
 * undefined when the internals are not where expected, and callers then treat the peer as having
 * presented no certificate (fail closed).
 */
export function tlsSocketOf(call: AnyServerCall): TLSSocket | undefined {
  const sock = sessionOf(call)?.socket as TLSSocket | undefined;
  return sock && typeof sock.getPeerX509Certificate === 'function' ? sock : undefined;
}

/** The HTTP/2 session a call came on, when it can be reached. */
function sessionOf(call: AnyServerCall): { socket?: unknown; close?: () => void } | undefined {
  type Inner = { stream?: { session?: { socket?: unknown; close?: () => void } }; nextCall?: Inner };
  // Without interceptors the call wraps the HTTP/2 call directly; with them, one level deeper.
  let inner = (call as unknown as { call?: Inner }).call;
  for (let i = 0; i < 5 && inner && !inner.stream; i++) inner = inner.nextCall;
  return inner?.stream?.session;
}

/**
 * Closes the HTTP/2 connection a call came on, gracefully: no new calls on it, the ones in flight
 * (this one's answer included) finish; the client then opens a new connection. Does nothing when
 * the call's connection cannot be reached.
 */
export function closeConnectionOf(call: AnyServerCall): void {
  sessionOf(call)?.close?.();
}

/**
 * The chain a verified client presented, leaf first and ending at the trust anchor Node
 * verified it against. Undefined when the peer sent no certificate or it did not verify.
 */
export function verifiedPeerChain(sock: TLSSocket): X509Certificate[] | undefined {
  if (!sock.authorized) return undefined;
  // The detailed form carries the chain OpenSSL verified, up to the trust anchor from `ca`.
  let cur: DetailedPeerCertificate | undefined = sock.getPeerCertificate(true);
  if (!cur?.raw) return undefined;
  const chain: X509Certificate[] = [];
  for (let i = 0; i < 10 && cur?.raw; i++) {
    chain.push(new X509Certificate(cur.raw));
    const next: DetailedPeerCertificate | undefined = cur.issuerCertificate;
    if (!next || next === cur || next.fingerprint256 === cur.fingerprint256) break;
    cur = next;
  }
  return chain;
}
