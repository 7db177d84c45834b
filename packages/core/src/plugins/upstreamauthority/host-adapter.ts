import type {
  MintX509CAResponse,
  PublishJWTKeyResponse,
  UpstreamAuthority,
} from './contract.js';
import { jwtKeyFromMsg, jwtKeyToMsg, x509FromMsg, type JWTKeyMsg, type X509CertificateMsg } from '../wire-common.js';
import type { PluginConnection } from '../wire-connection.js';

/** The UpstreamAuthority contract over its two server-streaming methods. */
export function upstreamAuthorityAdapter(p: PluginConnection): UpstreamAuthority {
  return {
    async *mintX509CAAndSubscribe(req, signal): AsyncIterable<MintX509CAResponse> {
      const stream = p.serverStream<{ x509CaChain?: X509CertificateMsg[]; upstreamX509Roots?: X509CertificateMsg[] }>(
        'MintX509CAAndSubscribe',
        { csr: Buffer.from(req.csr), preferredTtl: req.preferredTtlSeconds },
        signal,
      );
      for await (const m of stream) {
        yield {
          x509CaChain: (m.x509CaChain ?? []).map((c) => x509FromMsg(c).asn1),
          upstreamX509Roots: (m.upstreamX509Roots ?? []).map((c) => x509FromMsg(c).asn1),
        };
      }
    },
    async *publishJWTKeyAndSubscribe(jwtKey, signal): AsyncIterable<PublishJWTKeyResponse> {
      const stream = p.serverStream<{ upstreamJwtKeys?: JWTKeyMsg[] }>('PublishJWTKeyAndSubscribe', { jwtKey: jwtKeyToMsg(jwtKey) }, signal);
      for await (const m of stream) yield { upstreamJwtKeys: (m.upstreamJwtKeys ?? []).map(jwtKeyFromMsg) };
    },
    close: () => p.close(),
  };
}
