import type { ServerDuplexStream } from '@grpc/grpc-js';
import { Code, SpireError, type NodeAttestor, wire } from '@spire-ts/core/plugin';

const { attestPeerFromMetadata, bytes, toGrpcStatus } = wire;

interface AttestRequestMsg {
  request?: 'payload' | 'challengeResponse';
  payload?: Uint8Array;
  challengeResponse?: Uint8Array;
}

/**
 * spire.plugin.server.nodeattestor.v1.NodeAttestor handlers: the first message must carry the
 * payload; each challenge the attestor issues is sent and the next message must answer it. The
 * server's `x-forwarded-client-ip` request header becomes the attestor's `peer.clientIp`.
 */
export function nodeAttestorService(na: () => NodeAttestor) {
  return {
    Attest: (call: ServerDuplexStream<AttestRequestMsg, object>) => {
      const it = (call as AsyncIterable<AttestRequestMsg>)[Symbol.asyncIterator]();
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
