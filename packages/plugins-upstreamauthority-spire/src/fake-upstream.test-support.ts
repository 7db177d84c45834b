import * as grpc from '@grpc/grpc-js';
import { nestedSpireWire, parseUpstreamKey, signCaCsr } from '@spire-ts/core/plugin';
import type { TestCert } from './pki.test-support.js';
import type { WireJwtKey } from './upstream-client.js';

const denied = (method: string) => Object.assign(new Error(`authorization denied for method ${method}`), { code: grpc.status.PERMISSION_DENIED });

/**
 * A small upstream SPIRE server over mutual TLS (the real API's services and messages): it
 * presents `serverSvid`, requires a client certificate chaining to `root`, signs downstream CAs
 * with `root` for callers whose ID is in `downstreamIds` (PermissionDenied "authorization denied
 * for method ..." otherwise, as the real server), keeps published JWT keys and serves the bundle.
 * `roots`, `taintedRoots` (the roots the bundle marks tainted) and `jwtKeys` may be changed by the test; `calls` counts calls by method;
 * `bundleCallers` holds the SHA-256 fingerprint of the client certificate of each GetBundle call.
 */
export class FakeUpstream {
  port = 0;
  roots: Uint8Array[];
  taintedRoots: Uint8Array[] = [];
  jwtKeys: WireJwtKey[] = [];
  readonly downstreamIds = new Set<string>();
  readonly calls = new Map<string, number>();
  readonly bundleCallers: string[] = [];
  private readonly server = new grpc.Server();

  private constructor(private readonly root: TestCert) {
    this.roots = [root.der];
  }

  static async start(root: TestCert, serverSvid: TestCert, trustDomainId = 'spiffe://example.org'): Promise<FakeUpstream> {
    const f = new FakeUpstream(root);
    const count = (m: string) => f.calls.set(m, (f.calls.get(m) ?? 0) + 1);
    const callerId = (call: grpc.ServerUnaryCall<unknown, unknown>) => /URI:([^,]+)/.exec(call.getAuthContext().sslPeerCertificate?.subjectaltname ?? '')?.[1];
    const bundle = () => ({
      trust_domain: 'example.org',
      x509_authorities: f.roots.map((asn1) => ({ asn1: Buffer.from(asn1), tainted: f.taintedRoots.some((t) => Buffer.from(t).equals(Buffer.from(asn1))) })),
      jwt_authorities: f.jwtKeys,
    });
    f.server.addService(nestedSpireWire.bundleClient().service, {
      GetBundle: (call: grpc.ServerUnaryCall<unknown, unknown>, cb: grpc.sendUnaryData<unknown>) => {
        count('GetBundle');
        f.bundleCallers.push(call.getAuthContext().sslPeerCertificate?.fingerprint256 ?? '');
        cb(null, bundle());
      },
      PublishJWTAuthority: (call: grpc.ServerUnaryCall<{ jwt_authority: WireJwtKey }, unknown>, cb: grpc.sendUnaryData<unknown>) => {
        count('PublishJWTAuthority');
        if (!f.downstreamIds.has(callerId(call) ?? '')) return cb(denied('/spire.api.server.bundle.v1.Bundle/PublishJWTAuthority'));
        f.jwtKeys = [...f.jwtKeys, call.request.jwt_authority];
        cb(null, { jwt_authorities: f.jwtKeys });
      },
    });
    f.server.addService(nestedSpireWire.svidClient().service, {
      NewDownstreamX509CA: (call: grpc.ServerUnaryCall<{ csr: Buffer; preferred_ttl: number }, unknown>, cb: grpc.sendUnaryData<unknown>) => {
        count('NewDownstreamX509CA');
        if (!f.downstreamIds.has(callerId(call) ?? '')) return cb(denied('/spire.api.server.svid.v1.SVID/NewDownstreamX509CA'));
        const { key, keyType } = parseUpstreamKey(root.keyPem);
        signCaCsr({ key, keyType, caCert: root.der, chain: [], roots: [root.der] }, call.request.csr, trustDomainId, call.request.preferred_ttl, Date.now()).then(
          (ca) => cb(null, { ca_cert_chain: [Buffer.from(ca)], x509_authorities: f.roots.map((r) => Buffer.from(r)) }),
          (err: Error) => cb(Object.assign(new Error(`failed to sign downstream X.509 CA: ${err.message}`), { code: grpc.status.INTERNAL })),
        );
      },
    });
    const creds = grpc.ServerCredentials.createSsl(Buffer.from(root.certPem), [{ private_key: Buffer.from(serverSvid.keyPem), cert_chain: Buffer.from(serverSvid.certPem) }], true);
    f.port = await new Promise<number>((res, rej) => f.server.bindAsync('127.0.0.1:0', creds, (e, p) => (e ? rej(e) : res(p))));
    return f;
  }

  async close(): Promise<void> {
    this.server.forceShutdown();
  }
}
