import type { ServerWritableStream } from '@grpc/grpc-js';
import { Code, SpireError, type UpstreamAuthority, wire } from '@spire-ts/core/plugin';

const { bytes, jwtKeyFromMsg, jwtKeyToMsg, toGrpcStatus, x509ToMsg } = wire;

async function pump<T, Res>(call: ServerWritableStream<unknown, Res>, items: (signal: AbortSignal) => AsyncIterable<T>, toMsg: (t: T) => Res) {
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
export function upstreamAuthorityService(ua: () => UpstreamAuthority): wire.msg.UpstreamAuthorityHandlers {
  return {
    MintX509CAAndSubscribe: (call: ServerWritableStream<wire.msg.MintX509CARequest__Output, wire.msg.MintX509CAResponse>) => {
      void pump(
        call,
        (signal) => ua().mintX509CAAndSubscribe({ csr: bytes(call.request.csr), preferredTtlSeconds: call.request.preferredTtl }, signal),
        (m) => ({
          x509CaChain: m.x509CaChain.map((asn1) => x509ToMsg({ asn1, tainted: false })),
          upstreamX509Roots: m.upstreamX509Roots.map(x509ToMsg),
        }),
      );
    },
    PublishJWTKeyAndSubscribe: (call: ServerWritableStream<wire.msg.PublishJWTKeyRequest__Output, wire.msg.PublishJWTKeyResponse>) => {
      void pump(
        call,
        (signal) => ua().publishJWTKeyAndSubscribe(jwtKeyFromMsg(call.request.jwtKey ?? undefined), signal),
        (m) => ({ upstreamJwtKeys: m.upstreamJwtKeys.map(jwtKeyToMsg) }),
      );
    },
    SubscribeToLocalBundle: (call: ServerWritableStream<wire.msg.SubscribeToLocalBundleRequest__Output, wire.msg.SubscribeToLocalBundleResponse>) => {
      const plugin = ua();
      if (!plugin.subscribeToLocalBundle) {
        call.emit('error', toGrpcStatus(new SpireError(Code.UNIMPLEMENTED, 'SubscribeToLocalBundle is not implemented by this plugin')));
        return;
      }
      void pump(
        call,
        (signal) => plugin.subscribeToLocalBundle!(signal),
        (m) => ({ upstreamX509Roots: m.upstreamX509Roots.map(x509ToMsg), upstreamJwtKeys: m.upstreamJwtKeys.map(jwtKeyToMsg) }),
      );
    },
  };
}
