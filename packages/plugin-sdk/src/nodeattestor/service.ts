import type { ServerDuplexStream } from '@grpc/grpc-js';
import { Code, SpireError, type NodeAttestor, wire } from '@spire-ts/core/plugin';

const { attestPeerFromMetadata, bytes, toGrpcStatus } = wire;

/**
 * spire.plugin.server.nodeattestor.v1.NodeAttestor handlers: the first message must carry the
 * payload; each challenge the attestor issues is sent and the next message must answer it. The
 * server's `x-forwarded-client-ip` request header becomes the attestor's `peer.clientIp`.
 */
export function nodeAttestorService(na: () => NodeAttestor): wire.msg.NodeAttestorHandlers {
  return {
    Attest: (call: ServerDuplexStream<wire.msg.AttestRequest__Output, wire.msg.AttestResponse>) => {
      const it = (call as AsyncIterable<wire.msg.AttestRequest__Output>)[Symbol.asyncIterator]();
      const run = async () => {
        const first = await it.next();
        if (first.done || first.value.request !== 'payload') {
          throw new SpireError(Code.INVALID_ARGUMENT, 'request missing payload');
        }
        const attrs = await na().attest(bytes(first.value.payload), async (challenge) => {
          call.write({ challenge: Buffer.from(challenge) });
          const next = await it.next();
          if (next.done) throw new SpireError(Code.CANCELLED, 'stream closed while waiting for a challenge response');
          if (next.value.request !== 'challengeResponse') {
            throw new SpireError(Code.INVALID_ARGUMENT, 'request missing challenge response');
          }
          return bytes(next.value.challengeResponse);
        }, attestPeerFromMetadata(call.metadata));
        call.write({ agentAttributes: { spiffeId: attrs.spiffeId, selectorValues: attrs.selectorValues, canReattest: attrs.canReattest } });
        call.end();
      };
      run().catch((err: unknown) => call.emit('error', toGrpcStatus(err)));
    },
  };
}
