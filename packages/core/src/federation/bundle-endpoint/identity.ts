import type { SecureContext } from 'node:tls';

/** What the bundle endpoint read from a ClientHello before choosing how to answer it. */
export interface ClientHelloInfo {
  /** The SNI host name, lower-cased; undefined when the client sent none. */
  serverName?: string;
  /** The ALPN protocols the client offered, in its order (empty when it offered none). */
  alpnProtocols: string[];
}

/** The TLS identity for one handshake. */
export interface EndpointTls {
  context: SecureContext;
  /** The ALPN protocols this identity speaks (default: http/1.1). */
  alpnProtocols?: string[];
}

/**
 * How the bundle endpoint proves who it is (the profile of `federation.bundle_endpoint`):
 * https_spiffe (the server's X509-SVID), https_web with serving_cert_file, or https_web with ACME.
 * The endpoint asks for an identity on every handshake, so a rotated SVID, a reloaded file pair or
 * a renewed ACME certificate is served from the next handshake on, with no restart.
 */
export interface BundleEndpointIdentity {
  /**
   * The identity for a handshake whose ClientHello is `hello`. Rejecting refuses the handshake:
   * the connection is closed and the reason logged at debug level.
   */
  tlsFor(hello: ClientHelloInfo): Promise<EndpointTls>;
  /** Called once before the endpoint listens (load files, start watchers). */
  start?(): Promise<void>;
  /** Called once when the endpoint stops. */
  close?(): Promise<void>;
}
