import type { Closable, PluginDescriptor } from '../descriptor.js';
import { maybeOne, type CountRule } from '../count-rule.js';
import type { JWTKey, X509Certificate } from '../types.js';
import { createServiceRef } from '../../di/service-ref.js';

/** One message of the MintX509CAAndSubscribe stream. */
export interface MintX509CAResponse {
  /** DER certificates: the minted CA first, then intermediates. Empty on root-only updates. */
  x509CaChain: Uint8Array[];
  /**
   * The upstream roots, whole, with the tainted flag an upstream SPIRE server sets on an
   * authority it is retiring (the downstream server then moves off it).
   */
  upstreamX509Roots: X509Certificate[];
}

/** One message of the PublishJWTKeyAndSubscribe stream. */
export interface PublishJWTKeyResponse {
  upstreamJwtKeys: JWTKey[];
}

/** One message of the SubscribeToLocalBundle stream: the upstream roots and JWT keys, whole. */
export interface LocalBundleUpdate {
  upstreamX509Roots: X509Certificate[];
  upstreamJwtKeys: JWTKey[];
}

/** The UpstreamAuthority contract (spire.plugin.server.upstreamauthority.v1.UpstreamAuthority). */
export interface UpstreamAuthority extends Closable {
  /**
   * Signs the server CA's CSR. The first item carries the chain and roots; later items, if any,
   * carry updated roots. Iteration ends when `signal` aborts.
   */
  mintX509CAAndSubscribe(
    req: { csr: Uint8Array; preferredTtlSeconds: number },
    signal?: AbortSignal,
  ): AsyncIterable<MintX509CAResponse>;
  /**
   * Publishes a JWT key upstream. Throws UNIMPLEMENTED when the authority does not support it,
   * as SPIRE's plugins do.
   */
  publishJWTKeyAndSubscribe(jwtKey: JWTKey, signal?: AbortSignal): AsyncIterable<PublishJWTKeyResponse>;
  /**
   * Streams the upstream trust bundle: the first item now, then one whenever it changes, until
   * `signal` aborts (SPIRE's SubscribeToLocalBundle; nested SPIRE implements it). Optional: an
   * authority without it, or one that throws UNIMPLEMENTED, has no bundle stream, and the server
   * learns upstream roots from the mint stream only.
   */
  subscribeToLocalBundle?(signal?: AbortSignal): AsyncIterable<LocalBundleUpdate>;
}

/** DI token of the optional UpstreamAuthority. */
export const UPSTREAM_AUTHORITY = createServiceRef<UpstreamAuthority>('spire.UpstreamAuthority');

/** At most one UpstreamAuthority, as SPIRE. */
export const upstreamAuthorityCount: CountRule = maybeOne;

/** Declares an UpstreamAuthority plugin. */
export function defineUpstreamAuthority<C>(
  d: Omit<PluginDescriptor<'UpstreamAuthority', UpstreamAuthority, C>, 'type'>,
): PluginDescriptor<'UpstreamAuthority', UpstreamAuthority, C> {
  return { ...d, type: 'UpstreamAuthority' };
}
