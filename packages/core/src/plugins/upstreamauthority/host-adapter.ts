import type {
  LocalBundleUpdate,
  MintX509CAResponse,
  PublishJWTKeyResponse,
  UpstreamAuthority,
} from './contract.js';
import { jwtKeyFromMsg, jwtKeyToMsg, x509FromMsg } from '../wire-common.js';
import type * as msg from '../wire-messages.js';
import type { PluginConnection } from '../wire-connection.js';

/** The UpstreamAuthority contract over its two server-streaming methods. */
export function upstreamAuthorityAdapter(p: PluginConnection): UpstreamAuthority {
  return {
    async *mintX509CAAndSubscribe(req, signal): AsyncIterable<MintX509CAResponse> {
      const wireReq: msg.MintX509CARequest = { csr: Buffer.from(req.csr), preferredTtl: req.preferredTtlSeconds };
      const stream = p.serverStream<msg.MintX509CAResponse__Output>('MintX509CAAndSubscribe', wireReq, signal);
      for await (const m of stream) {
        yield {
          x509CaChain: (m.x509CaChain ?? []).map((c) => x509FromMsg(c).asn1),
          upstreamX509Roots: (m.upstreamX509Roots ?? []).map(x509FromMsg),
        };
      }
    },
    async *publishJWTKeyAndSubscribe(jwtKey, signal): AsyncIterable<PublishJWTKeyResponse> {
      const req: msg.PublishJWTKeyRequest = { jwtKey: jwtKeyToMsg(jwtKey) };
      const stream = p.serverStream<msg.PublishJWTKeyResponse__Output>('PublishJWTKeyAndSubscribe', req, signal);
      for await (const m of stream) yield { upstreamJwtKeys: (m.upstreamJwtKeys ?? []).map(jwtKeyFromMsg) };
    },
    async *subscribeToLocalBundle(signal): AsyncIterable<LocalBundleUpdate> {
      const stream = p.serverStream<msg.SubscribeToLocalBundleResponse__Output>('SubscribeToLocalBundle', {}, signal);
      for await (const m of stream) {
        yield { upstreamX509Roots: (m.upstreamX509Roots ?? []).map(x509FromMsg), upstreamJwtKeys: (m.upstreamJwtKeys ?? []).map(jwtKeyFromMsg) };
      }
    },
    close: () => p.close(),
  };
}
