import type { ServerWritableStream } from '@grpc/grpc-js';
import { Code, SpireError, type UpstreamAuthority, wire } from '@spire-ts/core/plugin';

const { bytes, jwtKeyFromMsg, jwtKeyToMsg, toGrpcStatus, x509ToMsg } = wire;
type JWTKeyMsg = wire.JWTKeyMsg;

async function pump<T>(call: ServerWritableStream<unknown, object>, items: (signal: AbortSignal) => AsyncIterable<T>, toMsg: (t: T) => object) {
  const ac = new AbortController();
  call.on('cancelled', () => ac.abort());
  try {
    for await (const item of items(ac.signal)) {
      if (ac.signal.aborted) break;
      call.write(toMsg(item));
    }
    if (!ac.signal.aborted) call.end();
  } catch (err) {
    if (!ac.signal.aborted) call.emit('error', toGrpcStatus(err));
  }
}

/** spire.plugin.server.upstreamauthority.v1.UpstreamAuthority handlers over an UpstreamAuthority. */
export function upstreamAuthorityService(ua: () => UpstreamAuthority) {
  return {
    MintX509CAAndSubscribe: (call: ServerWritableStream<{ csr: Uint8Array; preferredTtl: number }, object>) => {
      void pump(
        call,
        (signal) => ua().mintX509CAAndSubscribe({ csr: bytes(call.request.csr), preferredTtlSeconds: call.request.preferredTtl }, signal),
        (m) => ({
          x509CaChain: m.x509CaChain.map((asn1) => x509ToMsg({ asn1, tainted: false })),
          upstreamX509Roots: m.upstreamX509Roots.map((asn1) => x509ToMsg({ asn1, tainted: false })),
        }),
      );
    },
    PublishJWTKeyAndSubscribe: (call: ServerWritableStream<{ jwtKey?: JWTKeyMsg | null }, object>) => {
      void pump(
        call,
        (signal) => ua().publishJWTKeyAndSubscribe(jwtKeyFromMsg(call.request.jwtKey ?? undefined), signal),
        (m) => ({ upstreamJwtKeys: m.upstreamJwtKeys.map(jwtKeyToMsg) }),
      );
    },
    SubscribeToLocalBundle: (call: ServerWritableStream<unknown, object>) => {
      call.emit('error', toGrpcStatus(new SpireError(Code.UNIMPLEMENTED, 'SubscribeToLocalBundle is not implemented by this SDK')));
    },
  };
}
