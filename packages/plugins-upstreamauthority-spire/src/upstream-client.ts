import { isIP } from 'node:net';
import type { PeerCertificate } from 'node:tls';
import * as grpc from '@grpc/grpc-js';
import { nestedSpireWire } from '@spire-ts/core/plugin';
import type { WorkloadX509Source } from './workload-x509-source.js';

/** spire.api.types.X509Certificate as the server API carries it. */
export interface WireX509 {
  asn1: Buffer;
  tainted: boolean;
}

/** spire.api.types.JWTKey as the server API carries it. */
export interface WireJwtKey {
  public_key: Buffer;
  key_id: string;
  expires_at: number;
  tainted: boolean;
}

/** spire.api.types.Bundle (the fields the plugin reads). */
export interface WireBundle {
  trust_domain: string;
  x509_authorities: WireX509[];
  jwt_authorities: WireJwtKey[];
}

/**
 * The check go-spiffe's AuthorizeID makes on the upstream server's certificate, in place of a
 * host name check: its only URI SAN must be `serverId`. Returns the Error that fails the TLS
 * handshake, or undefined. (The chain itself is verified by TLS against the Workload API bundle.)
 */
export function checkServerId(serverId: string, cert: Pick<PeerCertificate, 'subjectaltname'>): Error | undefined {
  const uris = (cert.subjectaltname ?? '')
    .split(', ')
    .filter((s) => s.startsWith('URI:'))
    .map((s) => s.slice(4));
  if (uris.length === 0) return new Error('certificate contains no URI SAN');
  if (uris.length > 1) return new Error('certificate contains more than one URI SAN');
  return uris[0] === serverId ? undefined : new Error(`unexpected ID "${uris[0]}"`);
}

type Unary = (req: unknown, md: grpc.Metadata, opts: grpc.CallOptions, cb: (e: grpc.ServiceError | null, v: unknown) => void) => void;

/**
 * The upstream server's Bundle and SVID APIs over mutual TLS: the client presents the Workload
 * API SVID and trusts the Workload API bundle (both follow rotation, through the source), and
 * accepts only `serverId`. A rotated SVID opens a new channel, as SPIRE's agent drops its
 * connection when its SVID rotates: a TLS connection keeps the certificate of its handshake, and
 * an upstream that checks the caller's chain on each call refuses the old one once its root is
 * revoked. Calls already started finish on the old channel. Every call is bounded by
 * `callTimeoutMs` and rejects with the grpc-js ServiceError.
 */
export class UpstreamClient {
  private bundle!: grpc.Client;
  private svid!: grpc.Client;
  /** The SVID leaf the current channel was opened with. */
  private leaf!: Uint8Array;
  private readonly open: () => void;
  private readonly onIdentity = () => {
    let leaf: Uint8Array;
    try {
      leaf = this.source.current().chain[0]!;
    } catch {
      return; // the source is closed
    }
    if (!Buffer.from(leaf).equals(Buffer.from(this.leaf))) this.open();
  };

  constructor(host: string, port: string, serverId: string, private readonly source: WorkloadX509Source, private readonly callTimeoutMs: number) {
    const address = `${host}:${port}`;
    // The server is authenticated by its SPIFFE ID, not a host name; with an IP address the SNI
    // name is the trust domain's (Node refuses an IP address as SNI).
    const options: grpc.ChannelOptions = isIP(host) ? { 'grpc.ssl_target_name_override': new URL(serverId).host } : {};
    const creds = grpc.experimental.createCertificateProviderChannelCredentials(source, source, {
      checkServerIdentity: (_host, cert) => checkServerId(serverId, cert),
    });
    this.open = () => {
      const old = [this.bundle, this.svid];
      this.leaf = source.current().chain[0]!;
      // Its own subchannel pool: the new channel never shares the old one's connection.
      const fresh = { ...options, 'grpc.use_local_subchannel_pool': 1 };
      this.bundle = new (nestedSpireWire.bundleClient())(address, creds, fresh);
      // One channel for both services: the same credentials object and target share a subchannel.
      this.svid = new (nestedSpireWire.svidClient())(address, creds, { ...fresh, channelOverride: this.bundle.getChannel() });
      for (const c of old) c?.close();
    };
    this.open();
    source.addIdentityCertificateListener(this.onIdentity);
  }

  private call<T>(client: grpc.Client, method: string, req: unknown, signal?: AbortSignal): Promise<T> {
    const fn = (client as unknown as Record<string, Unary>)[method]!;
    return new Promise<T>((resolve, reject) => {
      const call = fn.call(client, req, new grpc.Metadata(), { deadline: Date.now() + this.callTimeoutMs }, (e, v) => {
        signal?.removeEventListener('abort', cancel);
        if (e) reject(e);
        else resolve(v as T);
      }) as unknown as grpc.ClientUnaryCall;
      const cancel = () => call.cancel();
      signal?.addEventListener('abort', cancel, { once: true });
    });
  }

  /** Bundle.GetBundle: the trust domain's bundle. */
  getBundle(signal?: AbortSignal): Promise<WireBundle> {
    return this.call(this.bundle, 'GetBundle', {}, signal);
  }

  /** SVID.NewDownstreamX509CA: the CA chain (DER, CA first) and the upstream's X.509 authorities. */
  newDownstreamX509CA(csr: Uint8Array, preferredTtl: number, signal?: AbortSignal): Promise<{ ca_cert_chain: Buffer[]; x509_authorities: Buffer[] }> {
    return this.call(this.svid, 'NewDownstreamX509CA', { csr: Buffer.from(csr), preferred_ttl: preferredTtl }, signal);
  }

  /** Bundle.PublishJWTAuthority: the upstream's JWT authorities after adding `key`. */
  async publishJWTAuthority(key: WireJwtKey, signal?: AbortSignal): Promise<WireJwtKey[]> {
    return (await this.call<{ jwt_authorities: WireJwtKey[] }>(this.bundle, 'PublishJWTAuthority', { jwt_authority: key }, signal)).jwt_authorities;
  }

  /** Closes the channel. Safe to call twice. */
  close(): void {
    this.source.removeIdentityCertificateListener(this.onIdentity);
    this.bundle.close();
    this.svid.close();
  }
}
