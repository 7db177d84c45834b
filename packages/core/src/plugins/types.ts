/**
 * Plain, serialisable types shared by the plugin contracts. They mirror the messages of
 * spire.plugin.types in spire-plugin-sdk so that an external plugin can serve a contract over gRPC
 * without any translation beyond field names.
 */

/** The seven server plugin types, spelled as server.conf spells them. */
export const PLUGIN_TYPES = [
  'DataStore',
  'KeyManager',
  'NodeAttestor',
  'UpstreamAuthority',
  'Notifier',
  'BundlePublisher',
  'CredentialComposer',
] as const;

/** A server plugin type name. */
export type PluginType = (typeof PLUGIN_TYPES)[number];

/** True when `s` names one of the server plugin types. */
export function isPluginType(s: string): s is PluginType {
  return (PLUGIN_TYPES as readonly string[]).includes(s);
}

/** An X.509 certificate in DER form, with the tainted flag of the bundle it sits in. */
export interface X509Certificate {
  asn1: Uint8Array;
  tainted: boolean;
}

/** Roots as an authority that never taints one reports them: each untainted. */
export function untaintedRoots(ders: readonly Uint8Array[]): X509Certificate[] {
  return ders.map((asn1) => ({ asn1, tainted: false }));
}

/** A JWT signing key as a bundle carries it: PKIX public key, key ID, expiry (Unix seconds). */
export interface JWTKey {
  publicKey: Uint8Array;
  keyId: string;
  expiresAt: number;
  tainted: boolean;
}

/** A trust bundle as plugins see it (spire.plugin.types.Bundle). */
export interface PluginBundle {
  trustDomain: string;
  x509Authorities: X509Certificate[];
  jwtAuthorities: JWTKey[];
  /** Seconds. */
  refreshHint: number;
  sequenceNumber: number;
}
