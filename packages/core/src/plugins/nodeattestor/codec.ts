import { Metadata } from '@grpc/grpc-js';
import type { AttestPeer } from './contract.js';

/**
 * The request header that carries the attesting agent's IP address, as the server saw it, to a
 * NodeAttestor plugin (SPIRE's `X-Forwarded-Client-IP`; gRPC sends header names in lower case).
 * SPIRE always sends it, empty when the address is unknown.
 */
export const CLIENT_IP_METADATA_KEY = 'x-forwarded-client-ip';

/** The Attest request headers for a peer. Pure. */
export function attestPeerToMetadata(peer: AttestPeer | undefined): Metadata {
  const md = new Metadata();
  md.set(CLIENT_IP_METADATA_KEY, peer?.clientIp ?? '');
  return md;
}

/** The peer a plugin learns from the Attest request headers; undefined when no address was sent. Pure. */
export function attestPeerFromMetadata(md: Metadata): AttestPeer | undefined {
  const v = md.get(CLIENT_IP_METADATA_KEY)[0];
  const clientIp = typeof v === 'string' ? v : v === undefined ? '' : v.toString('utf8');
  return clientIp === '' ? undefined : { clientIp };
}
